using Tempo.Streaming.Distributor;

namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>
/// The <see cref="ITracePusher"/> the receivers resolve. The listeners open before the ingest log has finished opening
/// (recovery can take a while, and <c>/ready</c> must be reachable meanwhile), so pushes arriving before the
/// distributor runs, or after shutdown began, are refused as <see cref="PushRejectionReason.LogUnavailable"/> (503 /
/// UNAVAILABLE: clients retry) — never accepted without a durable log behind them. It also counts pushes in flight so
/// shutdown can wait for every acknowledged-or-failed answer before the log is closed.
/// </summary>
public sealed class IngestGate : ITracePusher
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ITracePusher? _target;
    private volatile bool _stopping;
    private long _inFlight;

    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Starts forwarding pushes to <paramref name="distributor"/>.</summary>
    public void Open(ITracePusher distributor) => _target = distributor;

    public async ValueTask<PushResult> PushAsync(string tenant, ReadOnlyMemory<byte> exportTraceServiceRequest,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            if (_stopping)
            {
                throw new PushRejectedException(PushRejectionReason.LogUnavailable,
                    "tempo-streaming is shutting down and accepts no new spans; retry");
            }

            var target = _target ?? throw new PushRejectedException(PushRejectionReason.LogUnavailable,
                "the ingest log is still starting (see /ready); retry shortly");
            return await target.PushAsync(tenant, exportTraceServiceRequest, cancellationToken);
        }
        finally
        {
            if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Refuses new pushes and completes once every push in flight has finished.</summary>
    public Task StopAcceptingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (Interlocked.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        return _drained.Task.WaitAsync(cancellationToken);
    }
}
