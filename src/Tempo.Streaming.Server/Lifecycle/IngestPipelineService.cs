using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Query.Traces;
using Tempo.Streaming.Server.Api.Query;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;

namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>
/// Runs the single binary's pipeline: opens the ingest log (recovering a torn tail), starts the distributor on an
/// in-memory partition ring over all partitions and lets the receivers' pushes through, then opens the live store,
/// which consumes every partition, and hands it to the query routes. It starts in the background
/// so the listeners (and <c>/ready</c>, which says what is still starting) are up meanwhile. On shutdown — after
/// Kestrel has stopped accepting and drained its requests — it waits for pushes still in flight, then closes the
/// distributor, the live store and the log, so every acknowledged record is flushed (ARCHITECTURE.md invariant 1).
/// A failure to open the log stops the process, as a failed module stops Tempo.
/// </summary>
internal sealed class IngestPipelineService : IHostedService, IAsyncDisposable
{
    private readonly TempoConfig _config;
    private readonly ServiceRegistry _registry;
    private readonly IngestGate _gate;
    private readonly IIngestLogOpener _opener;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory _meterFactory;
    private readonly ListenerBindings _bindings;
    private readonly ILogger _logger;
    private readonly ServiceStatus _server;
    private readonly ServiceStatus _ingestLog;
    private readonly ServiceStatus _distributor;
    private readonly ServiceStatus? _receivers;
    private readonly ServiceStatus _liveStore;
    private readonly QueryServices _queryServices;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _stateLock = new();
    private Task _pipelineStart = Task.CompletedTask;
    private IIngestLog? _log;
    private TraceDistributor? _traceDistributor;
    private LiveTraceStore? _liveTraceStore;
    private int _closed;

    public IngestPipelineService(TempoConfig config, ServiceRegistry registry, IngestGate gate, IIngestLogOpener opener,
        IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory, IMeterFactory meterFactory, ListenerBindings bindings,
        QueryServices queryServices)
    {
        _queryServices = queryServices;
        _config = config;
        _registry = registry;
        _gate = gate;
        _opener = opener;
        _lifetime = lifetime;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
        _bindings = bindings;
        _logger = loggerFactory.CreateLogger("Tempo.Streaming.Server");
        _server = registry.Register(ServiceRegistry.Server);
        _ingestLog = registry.Register(ServiceRegistry.IngestLog);
        _distributor = registry.Register(ServiceRegistry.Distributor);
        if (config.Distributor.Receivers.Otlp is { Grpc: not null } or { Http: not null })
        {
            _receivers = registry.Register(ServiceRegistry.Receivers);
        }

        _liveStore = registry.Register(ServiceRegistry.LiveStore);
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
            // startup was still opening the log; CloseAsync below releases whatever was opened
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
        // Reached without StopAsync when the host failed to start (e.g. a port in use): still release the log.
        await _stopping.CancelAsync();
        try
        {
            await _pipelineStart;
        }
        catch (OperationCanceledException)
        {
        }

        await CloseAsync();
        _stopping.Dispose();
    }

    private async Task StartPipelineAsync(CancellationToken cancellationToken)
    {
        var options = _config.ToEmbeddedLogOptions();
        SetState(_ingestLog, ServiceState.Starting);
        Log.IngestLogOpening(_logger, options.Path, options.Partitions);
        var started = Stopwatch.GetTimestamp();
        IIngestLog log;
        try
        {
            log = await _opener.OpenAsync(options, cancellationToken);
            lock (_stateLock)
            {
                _log = log;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            Fail(_ingestLog, e);
            return;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        Log.IngestLogOpened(_logger, options.Path, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        SetState(_ingestLog, ServiceState.Running);

        SetState(_distributor, ServiceState.Starting);
        try
        {
            var ring = new InMemoryPartitionRing(log.PartitionCount);
            var distributorOptions = _config.ToDistributorOptions();
            var distributor = new TraceDistributor(log, ring, distributorOptions,
                _loggerFactory.CreateLogger<TraceDistributor>(), _meterFactory);
            lock (_stateLock)
            {
                _traceDistributor = distributor;
            }

            _gate.Open(distributor);
            Log.DistributorRunning(_logger, ring.ActivePartitions.Count, distributorOptions.MaxRecordBytes, distributorOptions.MaxAttributeBytes);
        }
        catch (Exception e)
        {
            Fail(_distributor, e);
            return;
        }

        SetState(_distributor, ServiceState.Running);
        UpdateReceivers();
        await StartLiveStoreAsync(log, cancellationToken);
    }

    private async Task StartLiveStoreAsync(IIngestLog log, CancellationToken cancellationToken)
    {
        SetState(_liveStore, ServiceState.Starting);
        var options = _config.ToLiveStoreOptions();
        try
        {
            var store = await LiveTraceStore.OpenAsync(options, log, _loggerFactory.CreateLogger("Tempo.Streaming.LiveStore"),
                _meterFactory, cancellationToken);
            lock (_stateLock)
            {
                _liveTraceStore = store;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            store.Start();
            _queryServices.Traces = new TraceByIdQuerier([store], [], options.MaxBytesPerTrace);
            _queryServices.Tags = new TagQuerier([store]);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            Fail(_liveStore, e);
            return;
        }

        SetState(_liveStore, ServiceState.Running);
    }

    private void OnServerStarted()
    {
        SetState(_server, ServiceState.Running);
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
            if (_receivers is not null && _server.State == ServiceState.Running && _distributor.State == ServiceState.Running
                && !_registry.ShutdownRequested)
            {
                SetState(_receivers, ServiceState.Running);
            }
        }
    }

    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        TraceDistributor? distributor;
        LiveTraceStore? liveStore;
        IIngestLog? log;
        lock (_stateLock)
        {
            distributor = _traceDistributor;
            liveStore = _liveTraceStore;
            log = _log;
        }

        if (distributor is not null)
        {
            SetState(_distributor, ServiceState.Stopping);
            distributor.Dispose();
            SetState(_distributor, ServiceState.Terminated);
        }

        // The live store reads from the log: it stops before the log closes.
        if (liveStore is not null)
        {
            _queryServices.Traces = null;
            _queryServices.Tags = null;
            SetState(_liveStore, ServiceState.Stopping);
            try
            {
                await liveStore.DisposeAsync();
                SetState(_liveStore, ServiceState.Terminated);
            }
            catch (Exception e)
            {
                _liveStore.Fail(e);
                Log.ServiceFailed(_logger, e, _liveStore.Name);
            }
        }

        if (log is null)
        {
            return;
        }

        var path = Path.GetFullPath(_config.Ingest.Embedded.Path);
        SetState(_ingestLog, ServiceState.Stopping);
        try
        {
            await log.DisposeAsync();
            SetState(_ingestLog, ServiceState.Terminated);
            Log.IngestLogClosed(_logger, path);
        }
        catch (Exception e)
        {
            _ingestLog.Fail(e);
            Log.IngestLogCloseFailed(_logger, e, path);
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
