using Tempo.Streaming.Distributor;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Lifecycle;

internal sealed partial class IngestPipelineService
{
    /// <summary>
    /// Closes what started, in reverse dependency order (pushes were already refused and drained by StopAsync):
    /// distributor → ring membership (which leaves the ring when a downscale was prepared) → live store → ring store →
    /// ring topic → ingest log. Each step's failure is logged and recorded, and the next step still runs.
    /// </summary>
    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        TraceDistributor? distributor;
        RingPartitionSelector? selector;
        PartitionLifecycler? lifecycler;
        LiveTraceStore? liveStore;
        HttpClient? liveStoreClient;
        IPartitionRingStore? ringStore;
        IIngestLog? ringLog;
        IIngestLog? log;
        lock (_stateLock)
        {
            distributor = _traceDistributor;
            selector = _partitionSelector;
            lifecycler = _lifecycler;
            liveStore = _liveTraceStore;
            liveStoreClient = _liveStoreClient;
            ringStore = _ringStore;
            ringLog = _ringLog;
            log = _log;
        }

        if (distributor is not null)
        {
            SetState(_distributor!, ServiceState.Stopping);
            distributor.Dispose();
            selector?.Dispose();
            SetState(_distributor!, ServiceState.Terminated);
        }

        _queryServices.Traces = null;
        _queryServices.Tags = null;
        _ringServices.Lifecycler = null;
        _ringServices.LocalStore = null;
        _ringServices.BlockStore = null;
        if (lifecycler is not null)
        {
            await CloseStepAsync(_liveStore ?? _partitionRing, "partition ring membership", lifecycler.DisposeAsync, terminal: false);
        }

        // The live store reads from the log: it stops before the log closes.
        if (liveStore is not null)
        {
            SetState(_liveStore!, ServiceState.Stopping);
            await CloseStepAsync(_liveStore!, "live store", liveStore.DisposeAsync, terminal: true);
        }

        liveStoreClient?.Dispose();
        // Its writers (the flush) and readers (queries, the block list poll) stopped above; an S3 client holds connections.
        Blocks.Backend.IObjectStore? blockStore;
        Query.Blocks.TenantBlockList? blockList;
        Query.Blocks.BlockTraceSource? blockTraceSource;
        Task blockListPolling;
        lock (_stateLock)
        {
            blockStore = _blockStore;
            blockList = _blockList;
            blockTraceSource = _blockTraceSource;
            blockListPolling = _blockListPolling;
        }
        try
        {
            await blockListPolling;
        }
        catch (OperationCanceledException)
        {
        }
        blockTraceSource?.Dispose();
        blockList?.Dispose();
        (blockStore as IDisposable)?.Dispose();
        _ringServices.Store = null;
        if (ringStore is not null)
        {
            SetState(_partitionRing, ServiceState.Stopping);
            await CloseStepAsync(_partitionRing, "partition ring store", ringStore.DisposeAsync, terminal: ringLog is null);
        }

        if (ringLog is not null)
        {
            await CloseStepAsync(_partitionRing, $"ring topic {ringLog.Topic}", ringLog.DisposeAsync, terminal: true);
        }

        if (log is null)
        {
            return;
        }

        var where = ServerTargets.UsesKafka(_config.Target)
            ? $"Kafka topic {log.Topic}"
            : Path.GetFullPath(_config.Ingest.Embedded.Path);
        SetState(_ingestLog, ServiceState.Stopping);
        try
        {
            await log.DisposeAsync();
            SetState(_ingestLog, ServiceState.Terminated);
            Log.IngestLogClosed(_logger, where);
        }
        catch (Exception e)
        {
            _ingestLog.Fail(e);
            Log.IngestLogCloseFailed(_logger, e, where);
        }
    }

    private async Task CloseStepAsync(ServiceStatus service, string component, Func<ValueTask> close, bool terminal)
    {
        try
        {
            await close();
            if (terminal)
            {
                SetState(service, ServiceState.Terminated);
            }
        }
        catch (Exception e)
        {
            service.Fail(e);
            Log.CloseFailed(_logger, e, component);
        }
    }
}
