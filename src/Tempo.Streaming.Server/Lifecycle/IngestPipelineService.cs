using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.Server.Api.Query;
using Tempo.Streaming.Server.Api.Ring;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;

namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>
/// Runs the components of the configured target (ARCHITECTURE.md §2, §4), each a service <c>/ready</c> reports:
/// <list type="bullet">
/// <item><c>all</c>: the embedded log, an in-memory partition ring owned by this process, the distributor and its
/// receivers, and a live store consuming every partition, which answers the query routes;</item>
/// <item><c>distributor</c>: the Kafka ingest topic, the ring tailed from <c>&lt;topic&gt;-ring</c>, the distributor
/// writing to the ACTIVE partitions, and the receivers;</item>
/// <item><c>live-store</c>: the Kafka ingest topic, the ring, a live store consuming the partition of its instance
/// ordinal, its ring membership, and the query routes (trace by ID fanned out to every live store in the ring).</item>
/// </list>
/// It starts in the background so the listeners (and <c>/ready</c>, which says what is still starting) are up meanwhile.
/// On shutdown — after Kestrel has stopped accepting and drained its requests — it waits for pushes still in flight,
/// then closes the components in reverse dependency order, so every acknowledged record is durable (invariant 1).
/// A component that fails to start stops the process, as a failed module stops Tempo.
/// </summary>
internal sealed partial class IngestPipelineService : IHostedService, IAsyncDisposable
{
    private readonly TempoConfig _config;
    private readonly ServiceRegistry _registry;
    private readonly IngestGate _gate;
    private readonly IIngestLogOpener _embeddedOpener;
    private readonly IKafkaLogOpener _kafkaOpener;
    private readonly KafkaStartupRetry _kafkaRetry;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory _meterFactory;
    private readonly ListenerBindings _bindings;
    private readonly QueryServices _queryServices;
    private readonly RingServices _ringServices;
    private readonly ILogger _logger;
    private readonly ServiceStatus _server;
    private readonly ServiceStatus _ingestLog;
    private readonly ServiceStatus _partitionRing;
    private readonly ServiceStatus? _distributor;
    private readonly ServiceStatus? _receivers;
    private readonly ServiceStatus? _liveStore;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _serverStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _stateLock = new();
    private Task _pipelineStart = Task.CompletedTask;
    private int _closed;

    // What has been started, in start order; CloseAsync releases it in reverse (guarded by _stateLock).
    private IIngestLog? _log;
    private IIngestLog? _ringLog;
    private IPartitionRingStore? _ringStore;
    private PartitionLifecycler? _lifecycler;
    private RingPartitionSelector? _partitionSelector;
    private TraceDistributor? _traceDistributor;
    private LiveTraceStore? _liveTraceStore;
    private readonly Blocks.Compaction.CompactionGate _compactionGate;
    private Blocks.Backend.IObjectStore? _blockStore;
    private Query.Blocks.TenantBlockList? _blockList;
    private Query.Blocks.BlockTraceSource? _blockTraceSource;
    private Task _blockListPolling = Task.CompletedTask;
    private HttpClient? _liveStoreClient;

    public IngestPipelineService(TempoConfig config, ServiceRegistry registry, IngestGate gate, IIngestLogOpener embeddedOpener,
        IKafkaLogOpener kafkaOpener, KafkaStartupRetry kafkaRetry, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory,
        IMeterFactory meterFactory, ListenerBindings bindings, QueryServices queryServices, RingServices ringServices,
        Blocks.Compaction.CompactionGate compactionGate)
    {
        _config = config;
        _compactionGate = compactionGate;
        _registry = registry;
        _gate = gate;
        _embeddedOpener = embeddedOpener;
        _kafkaOpener = kafkaOpener;
        _kafkaRetry = kafkaRetry;
        _lifetime = lifetime;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
        _bindings = bindings;
        _queryServices = queryServices;
        _ringServices = ringServices;
        _logger = loggerFactory.CreateLogger("Tempo.Streaming.Server");
        _ringServices.ShutdownMarkerPath = config.ShutdownMarkerPath();

        _server = registry.Register(ServiceRegistry.Server);
        _ingestLog = registry.Register(ServiceRegistry.IngestLog);
        _partitionRing = registry.Register(ServiceRegistry.PartitionRing);
        if (ServerTargets.RunsDistributor(config.Target))
        {
            _distributor = registry.Register(ServiceRegistry.Distributor);
            if (config.OtlpReceivers() is not null)
            {
                _receivers = registry.Register(ServiceRegistry.Receivers);
            }
        }

        if (ServerTargets.RunsLiveStore(config.Target))
        {
            _liveStore = registry.Register(ServiceRegistry.LiveStore);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lifetime.ApplicationStarted.Register(OnServerStarted);
        _lifetime.ApplicationStopping.Register(OnShutdownRequested);
        _lifetime.ApplicationStopped.Register(() => SetState(_server, ServiceState.Terminated));
        SetState(_server, ServiceState.Starting);
        _pipelineStart = Task.Run(() => StartPipelineAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _pipelineStart.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // startup was still opening something; CloseAsync below releases whatever was opened
        }

        if (_receivers is not null)
        {
            SetState(_receivers, ServiceState.Stopping);
        }

        var inFlight = _gate.InFlight;
        if (inFlight > 0)
        {
            Log.DrainingPushes(_logger, inFlight);
        }

        try
        {
            await _gate.StopAcceptingAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Log.DrainTimedOut(_logger, _gate.InFlight);
        }

        if (_receivers is not null)
        {
            SetState(_receivers, ServiceState.Terminated);
        }

        await CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Reached without StopAsync when the host failed to start (e.g. a port in use): still release the logs.
        await _stopping.CancelAsync();
        try
        {
            await _pipelineStart;
        }
        catch (OperationCanceledException)
        {
        }

        // _stopping is not disposed: the host may still call StopAsync after DisposeAsync when its start failed, and a
        // token source without a timer holds nothing to release.
        await CloseAsync();
    }

    private void OnServerStarted()
    {
        SetState(_server, ServiceState.Running);
        _serverStarted.TrySetResult();
        Log.Ready(_logger, _bindings.Describe(_config), _config.Target);
        UpdateReceivers();
    }

    private void OnShutdownRequested()
    {
        _registry.RequestShutdown();
        SetState(_server, ServiceState.Stopping);
        Log.ShutdownRequested(_logger);
    }

    // The receivers accept traffic once their listeners are up and the distributor behind them runs.
    private void UpdateReceivers()
    {
        lock (_stateLock)
        {
            if (_receivers is not null && _server.State == ServiceState.Running && _distributor?.State == ServiceState.Running
                && !_registry.ShutdownRequested)
            {
                SetState(_receivers, ServiceState.Running);
            }
        }
    }

    private void Fail(ServiceStatus service, Exception error)
    {
        service.Fail(error);
        Log.ServiceFailed(_logger, error, service.Name);
        _lifetime.StopApplication();
    }

    private void SetState(ServiceStatus service, ServiceState state)
    {
        service.Set(state);
        Log.ServiceState(_logger, service.Name, service.State.ToString());
    }
}
