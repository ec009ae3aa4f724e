using System.Collections.Concurrent;
using System.Diagnostics;
using Tempo.Streaming.Cli.Measurement;

namespace Tempo.Streaming.Cli.Load;

/// <summary>A point-in-time view of a running load, for progress displays.</summary>
public readonly record struct LoadProgress(
    TimeSpan Elapsed,
    long AcknowledgedBatches,
    long AcknowledgedTraces,
    long AcknowledgedSpans,
    long RejectedSpans,
    long FailedBatches,
    int InFlight,
    double RecentSpansPerSecond);

/// <summary>
/// Counters of a run, updated by all senders. Counters are interlocked; latencies go to a per-sender list
/// (no sharing on the hot path) and are merged once at the end; per-second acknowledged spans feed the
/// median-of-seconds figure.
/// </summary>
internal sealed class LoadStatistics
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _errorExamples = new(StringComparer.Ordinal);
    private readonly List<List<double>> _latencyLists = [];
    private readonly Lock _secondsLock = new();
    private long[] _spansPerSecond = new long[64];
    private long _acknowledgedBatches;
    private long _acknowledgedTraces;
    private long _acknowledgedSpans;
    private long _rejectedSpans;
    private long _failedBatches;
    private long _failedSpans;
    private long _protobufBytes;
    private long _wireBytes;
    private int _inFlight;
    private long _lastSampleSpans;
    private TimeSpan _lastSampleTime;
    private double _recentRate;

    public TimeSpan Elapsed => _clock.Elapsed;

    public List<double> CreateLatencyList()
    {
        var list = new List<double>(4096);
        lock (_latencyLists)
        {
            _latencyLists.Add(list);
        }
        return list;
    }

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestEnded() => Interlocked.Decrement(ref _inFlight);

    public void Acknowledged(in BatchInfo batch, long rejectedSpans, int protobufBytes, int wireBytes)
    {
        Interlocked.Increment(ref _acknowledgedBatches);
        Interlocked.Add(ref _acknowledgedTraces, batch.TraceCount);
        Interlocked.Add(ref _acknowledgedSpans, batch.SpanCount);
        Interlocked.Add(ref _rejectedSpans, rejectedSpans);
        Interlocked.Add(ref _protobufBytes, protobufBytes);
        Interlocked.Add(ref _wireBytes, wireBytes);
        var second = (int)_clock.Elapsed.TotalSeconds;
        lock (_secondsLock)
        {
            if (second >= _spansPerSecond.Length)
            {
                Array.Resize(ref _spansPerSecond, Math.Max(second + 1, _spansPerSecond.Length * 2));
            }
            _spansPerSecond[second] += batch.SpanCount;
        }
    }

    public void Failed(in BatchInfo batch, string kind, string message)
    {
        Interlocked.Increment(ref _failedBatches);
        Interlocked.Add(ref _failedSpans, batch.SpanCount);
        _errors.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        _errorExamples.TryAdd(kind, message);
    }

    public LoadProgress Snapshot()
    {
        var now = _clock.Elapsed;
        var spans = Interlocked.Read(ref _acknowledgedSpans);
        lock (_secondsLock)
        {
            var window = (now - _lastSampleTime).TotalSeconds;
            if (window >= 0.5)
            {
                _recentRate = (spans - _lastSampleSpans) / window;
                _lastSampleSpans = spans;
                _lastSampleTime = now;
            }
        }
        return new LoadProgress(now, Interlocked.Read(ref _acknowledgedBatches), Interlocked.Read(ref _acknowledgedTraces), spans,
            Interlocked.Read(ref _rejectedSpans), Interlocked.Read(ref _failedBatches), Volatile.Read(ref _inFlight), _recentRate);
    }

    public LoadSummary Summarize(string mode, TimeSpan elapsed)
    {
        var latencies = new List<double>();
        lock (_latencyLists)
        {
            foreach (var list in _latencyLists)
            {
                latencies.AddRange(list);
            }
        }
        var spans = Interlocked.Read(ref _acknowledgedSpans);
        return new LoadSummary
        {
            Mode = mode,
            Elapsed = elapsed,
            AcknowledgedBatches = Interlocked.Read(ref _acknowledgedBatches),
            AcknowledgedTraces = Interlocked.Read(ref _acknowledgedTraces),
            AcknowledgedSpans = spans,
            RejectedSpans = Interlocked.Read(ref _rejectedSpans),
            FailedBatches = Interlocked.Read(ref _failedBatches),
            FailedSpans = Interlocked.Read(ref _failedSpans),
            SpansPerSecond = elapsed.TotalSeconds > 0 ? spans / elapsed.TotalSeconds : 0,
            MedianSpansPerSecond = MedianOfWholeSeconds(elapsed),
            Latency = Percentiles.Summarize(latencies),
            ErrorsByKind = new SortedDictionary<string, long>(_errors, StringComparer.Ordinal),
            ErrorExamples = new SortedDictionary<string, string>(_errorExamples, StringComparer.Ordinal),
            ProtobufBytes = Interlocked.Read(ref _protobufBytes),
            WireBytes = Interlocked.Read(ref _wireBytes),
        };
    }

    /// <summary>
    /// The median over the whole seconds of the run (the last, partial second is left out unless the run was
    /// shorter than two seconds, where the overall rate is the only meaningful figure).
    /// </summary>
    private double MedianOfWholeSeconds(TimeSpan elapsed)
    {
        var whole = (int)Math.Floor(elapsed.TotalSeconds);
        if (whole < 2)
        {
            return elapsed.TotalSeconds > 0 ? Interlocked.Read(ref _acknowledgedSpans) / elapsed.TotalSeconds : 0;
        }
        var rates = new double[whole];
        lock (_secondsLock)
        {
            for (var i = 0; i < whole; i++)
            {
                rates[i] = i < _spansPerSecond.Length ? _spansPerSecond[i] : 0;
            }
        }
        return Percentiles.Median(rates);
    }
}
