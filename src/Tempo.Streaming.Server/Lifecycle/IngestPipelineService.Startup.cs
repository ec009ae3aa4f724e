using System.Diagnostics;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.Query.Remote;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Query.Traces;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;

namespace Tempo.Streaming.Server.Lifecycle;

internal sealed partial class IngestPipelineService
{
    // Each step returns false after it failed (the service is marked Failed and the process is stopping) or when
    // shutdown began; the next step then does not run.
    private async Task StartPipelineAsync(CancellationToken cancellationToken)
    {
        var log = await OpenIngestLogAsync(cancellationToken);
        if (log is null || !await StartPartitionRingAsync(log, cancellationToken))
        {
            return;
        }

        if (_distributor is not null && !StartDistributor(log))
        {
            return;
        }

        if (_liveStore is not null)
        {
            await StartLiveStoreAsync(log, cancellationToken);
        }
    }

    private async Task<IIngestLog?> OpenIngestLogAsync(CancellationToken cancellationToken)
    {
        SetState(_ingestLog, ServiceState.Starting);
        var started = Stopwatch.GetTimestamp();
        string where;
        try
        {
            IIngestLog log;
            if (ServerTargets.UsesKafka(_config.Target))
            {
                var options = _config.ToKafkaLogOptions();
                where = $"Kafka topic {options.Topic} at {options.Address}";
                Log.KafkaOpening(_logger, options.Topic, options.Address);
                log = await _kafkaRetry.OpenAsync(_kafkaOpener, options, exportMetrics: true, _logger, cancellationToken);
            }
            else
            {
                var options = _config.ToEmbeddedLogOptions();
                where = options.Path;
                Log.IngestLogOpening(_logger, options.Path, options.Partitions);
                log = await _embeddedOpener.OpenAsync(options, cancellationToken);
            }

            lock (_stateLock)
            {
                _log = log;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            Log.IngestLogOpened(_logger, where, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, log.PartitionCount);
            SetState(_ingestLog, ServiceState.Running);
            return log;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            Fail(_ingestLog, e);
            return null;
        }
    }

    /// <summary>
    /// The ring in memory (single binary: this process owns every partition, ACTIVE from the start) or tailed from the
    /// compacted <c>&lt;topic&gt;-ring</c> topic (distributed targets; the live store joins it once it consumes).
    /// </summary>
    private async Task<bool> StartPartitionRingAsync(IIngestLog log, CancellationToken cancellationToken)
    {
        SetState(_partitionRing, ServiceState.Starting);
        try
        {
            IPartitionRingStore store;
            if (ServerTargets.UsesKafka(_config.Target))
            {
                var options = _config.ToRingLogOptions();
                var ringLog = await _kafkaRetry.OpenAsync(_kafkaOpener, options, exportMetrics: false, _logger, cancellationToken);
                lock (_stateLock)
                {
                    _ringLog = ringLog;
                }

                store = new LogPartitionRingStore(ringLog, _loggerFactory.CreateLogger<LogPartitionRingStore>());
            }
            else
            {
                store = new InMemoryPartitionRingStore(_loggerFactory.CreateLogger<InMemoryPartitionRingStore>());
            }

            lock (_stateLock)
            {
                _ringStore = store;
            }

            await store.StartAsync(cancellationToken);
            if (!ServerTargets.UsesKafka(_config.Target))
            {
                var partitions = Enumerable.Range(0, log.PartitionCount).ToArray();
                await StartLifecyclerAsync(store, partitions, honourShutdownMarker: false, cancellationToken);
            }

            _ringServices.Store = store;
            Log.PartitionRingRunning(_logger, ServerTargets.UsesKafka(_config.Target) ? ComponentOptions.RingTopic(_config) : "memory",
                store.Current.Partitions.Count, store.Current.Owners.Count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            Fail(_partitionRing, e);
            return false;
        }

        SetState(_partitionRing, ServiceState.Running);
        return true;
    }

    private bool StartDistributor(IIngestLog log)
    {
        var service = _distributor!;
        SetState(service, ServiceState.Starting);
        try
        {
            IPartitionRingStore store;
            lock (_stateLock)
            {
                store = _ringStore!;
            }

            var selector = new RingPartitionSelector(store, log.PartitionCount, log.Topic, _loggerFactory.CreateLogger<RingPartitionSelector>());
            var distributorOptions = _config.ToDistributorOptions();
            var distributor = new TraceDistributor(log, selector, distributorOptions,
                _loggerFactory.CreateLogger<TraceDistributor>(), _meterFactory);
            lock (_stateLock)
            {
                _partitionSelector = selector;
                _traceDistributor = distributor;
            }

            _gate.Open(distributor);
            Log.DistributorRunning(_logger, selector.ActivePartitions.Count, distributorOptions.MaxRecordBytes, distributorOptions.MaxAttributeBytes);
        }
        catch (Exception e)
        {
            Fail(service, e);
            return false;
        }

        SetState(service, ServiceState.Running);
        UpdateReceivers();
        return true;
    }

    private async Task StartLiveStoreAsync(IIngestLog log, CancellationToken cancellationToken)
    {
        var service = _liveStore!;
        SetState(service, ServiceState.Starting);
        try
        {
            var distributed = ServerTargets.UsesKafka(_config.Target);
            IReadOnlyList<int>? partitions = distributed ? [OwnedPartition(log)] : null;
            var options = _config.ToLiveStoreOptions(partitions);
            if (distributed)
            {
                Log.LiveStorePartition(_logger, _config.LiveStore.Ring.InstanceId, partitions![0], log.Topic, options.ConsumerGroup);
            }

            // Only the flush owner writes blocks; a replica with flush_blocks: false keeps what it consumed and serves it.
            var blockWriter = options.Flush.Enabled
                ? new Blocks.BlockFormat.BlockWriter(BlockStore(), Blocks.BlockFormat.BlockWriterOptions.Cut,
                    _loggerFactory.CreateLogger<Blocks.BlockFormat.BlockWriter>())
                : null;
            var store = await LiveTraceStore.OpenAsync(options, log, _loggerFactory.CreateLogger("Tempo.Streaming.LiveStore"),
                _meterFactory, cancellationToken, blockWriter);
            // With a compactor in this process (-target=all), cuts go first: merges pause while the store cuts.
            store.CompactionGate = _compactionGate;
            lock (_stateLock)
            {
                _liveTraceStore = store;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            store.Start();
            IPartitionRingStore ring;
            lock (_stateLock)
            {
                ring = _ringStore!;
            }

            if (distributed)
            {
                // Joins the ring only once it consumes, so the distributors' writes to a new partition (ACTIVE after
                // min_partition_owners_duration of ownership) always have a reader.
                await StartLifecyclerAsync(ring, partitions!, honourShutdownMarker: true, cancellationToken);
            }

            _ringServices.LocalStore = store;
            _ringServices.BlockStore = BlockStore();
            var blockSource = StartBlockQueries(store);
            _queryServices.Traces = new TraceByIdQuerier([distributed ? RemoteTraceSource(ring, store) : store], [blockSource], options.MaxBytesPerTrace);
            // Search reads this live store and every block; it reaches the other live stores once the query frontend
            // shards jobs across them (a later issue); trace by ID already reaches every partition.
            ISearchSource[] searchSources = [new LiveSearchSource(store, options.MaxBytesPerTrace), blockSource];
            _queryServices.Search = new SearchQuerier(searchSources);
            // Unfiltered tag names and values come from this live store's tag index; a v2 request with a filter (q)
            // searches the spans that match it in the search sources.
            _queryServices.Tags = new TagQuerier([store], searchSources);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            Fail(service, e);
            return;
        }

        SetState(service, ServiceState.Running);
    }

    /// <summary>
    /// The partition of this live store's instance ordinal (Tempo: one partition per live store); it must exist in the
    /// topic, since a live store on a partition nobody writes to would look healthy while serving nothing.
    /// </summary>
    private int OwnedPartition(IIngestLog log)
    {
        var instanceId = _config.LiveStore.Ring.InstanceId;
        var partition = LiveStoreInstance.PartitionId(instanceId, out var error)
                        ?? throw new InvalidOperationException($"calculating livestore partition ID: {error}");
        if (partition >= log.PartitionCount)
        {
            throw new InvalidOperationException(
                $"live store {instanceId} owns partition {partition} (its instance ordinal), but topic {log.Topic} has only " +
                $"{log.PartitionCount} partitions (0..{log.PartitionCount - 1}); add partitions to the topic or run fewer live stores");
        }

        return partition;
    }

    /// <summary>
    /// Joins the ring as the owner of <paramref name="partitions"/>. A downscale marker left by <c>prepare-downscale</c>
    /// before a restart keeps its promise, as in Tempo: do not recreate the partition, and leave the ring on shutdown.
    /// The single binary ignores it: its ring lives in memory, and without its partitions it could not accept a push.
    /// </summary>
    private async Task StartLifecyclerAsync(IPartitionRingStore store, IReadOnlyList<int> partitions, bool honourShutdownMarker,
        CancellationToken cancellationToken)
    {
        var httpAddress = LiveStoreInstance.HttpAddress(_config.LiveStore.Ring, await HttpPortAsync(cancellationToken));
        var lifecycler = new PartitionLifecycler(store, _config.ToLifecyclerOptions(partitions, httpAddress),
            _loggerFactory.CreateLogger<PartitionLifecycler>());
        if (honourShutdownMarker && File.Exists(_ringServices.ShutdownMarkerPath))
        {
            Log.ShutdownMarkerFound(_logger, _ringServices.ShutdownMarkerPath);
            lifecycler.CreatePartitionOnStartup = false;
            lifecycler.RemoveOwnerOnShutdown = true;
        }

        lock (_stateLock)
        {
            _lifecycler = lifecycler;
        }

        await lifecycler.StartAsync(cancellationToken);
        _ringServices.Lifecycler = lifecycler;
        Log.JoinedPartitionRing(_logger, lifecycler.Options.InstanceId, string.Join(",", partitions), httpAddress,
            lifecycler.Options.Zone.Length == 0 ? "(none)" : lifecycler.Options.Zone);
    }

    /// <summary>Trace by ID over every ACTIVE/INACTIVE partition in the ring: this store for its own, HTTP for the others.</summary>
    private RingTraceFragmentSource RemoteTraceSource(IPartitionRingStore ring, LiveTraceStore local)
    {
        var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        lock (_stateLock)
        {
            _liveStoreClient = client;
        }

        var options = new RingTraceFragmentSourceOptions
        {
            InstanceId = _config.LiveStore.Ring.InstanceId,
            Zone = _config.LiveStore.Ring.InstanceAvailabilityZone,
            HeartbeatTimeout = _config.LiveStore.Ring.HeartbeatTimeout,
        };
        return new RingTraceFragmentSource(ring, local, local.Partitions, client, options,
            _loggerFactory.CreateLogger<RingTraceFragmentSource>());
    }

    /// <summary>The Tempo HTTP port this instance publishes: the configured one, or the bound one when that is 0.</summary>
    /// <summary>
    /// Trace by ID from the blocks of <c>storage.trace</c>: the block list polled every <c>blocklist_poll</c>, plus every
    /// block this live store flushes the moment it is written (no wait for the next poll).
    /// </summary>
    private Query.Blocks.BlockTraceSource StartBlockQueries(LiveTraceStore store)
    {
        var blockList = new Query.Blocks.TenantBlockList(BlockStore(),
            Query.Blocks.TenantBlockListOptions.Default with { PollInterval = _config.Storage.Trace.BlocklistPoll },
            _loggerFactory.CreateLogger<Query.Blocks.TenantBlockList>(), _meterFactory);
        var source = new Query.Blocks.BlockTraceSource(BlockStore(), blockList, Query.Blocks.BlockTraceSourceOptions.Default,
            _loggerFactory.CreateLogger<Query.Blocks.BlockTraceSource>(), _meterFactory);
        store.BlockWritten = blockList.Add;
        lock (_stateLock)
        {
            _blockList = blockList;
            _blockTraceSource = source;
            _blockListPolling = Task.Run(() => blockList.RunAsync(_stopping.Token));
        }
        return source;
    }

    /// <summary>The <c>storage.trace</c> backend, created once and shared by the flush, the queriers and the compactor.</summary>
    private Blocks.Backend.IObjectStore BlockStore()
    {
        lock (_stateLock)
        {
            return _blockStore ??= _config.CreateBlockStore();
        }
    }

    private async Task<int> HttpPortAsync(CancellationToken cancellationToken)
    {
        if (_config.Server.HttpListenPort != 0 || _config.LiveStore.Ring.InstancePort != 0)
        {
            return _config.Server.HttpListenPort;
        }

        await _serverStarted.Task.WaitAsync(cancellationToken);
        // Under an in-memory test host no Kestrel listener exists; nothing can call this instance over the network then.
        return _bindings.IsEnabled(ListenerRole.TempoHttp) ? _bindings.BoundEndPoint(ListenerRole.TempoHttp).Port : _config.Server.HttpListenPort;
    }
}
