using System.Diagnostics;

namespace Tempo.Streaming.Cli.Load;

/// <summary>
/// Token bucket over spans: <c>rate</c> tokens per second and a burst of one batch, so the run is smooth from
/// its first second.
/// A sender takes a batch's spans before sending and waits while the bucket is in debt. Implemented as a
/// "theoretical arrival time" (GCRA), so it needs no refill timer and is fair across senders.
/// </summary>
public sealed class RatePacer
{
    private readonly double _nanosPerSpan;
    private readonly long _burstNanos;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _theoreticalArrivalNanos;

    /// <param name="spansPerSecond">0 disables pacing.</param>
    public RatePacer(double spansPerSecond, int batchSpans)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spansPerSecond);
        if (spansPerSecond == 0)
        {
            return;
        }
        _nanosPerSpan = 1e9 / spansPerSecond;
        _burstNanos = (long)(_nanosPerSpan * batchSpans);
        _theoreticalArrivalNanos = 0;
    }

    public bool Unlimited => _nanosPerSpan == 0;

    public ValueTask WaitAsync(int spans, CancellationToken cancellationToken)
    {
        if (Unlimited)
        {
            return ValueTask.CompletedTask;
        }
        long delayNanos;
        lock (_lock)
        {
            var now = (long)(_clock.Elapsed.TotalMilliseconds * 1e6);
            var start = Math.Max(_theoreticalArrivalNanos, now - _burstNanos);
            _theoreticalArrivalNanos = start + (long)(spans * _nanosPerSpan);
            delayNanos = _theoreticalArrivalNanos - _burstNanos - now;
        }
        if (delayNanos <= 0)
        {
            return ValueTask.CompletedTask;
        }
        return new ValueTask(Task.Delay(TimeSpan.FromTicks(delayNanos / 100), cancellationToken));
    }
}
