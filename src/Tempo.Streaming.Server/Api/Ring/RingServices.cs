using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.LiveStore;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// The partition-ring components the ring and downscale routes call. The pipeline sets them as they start (every
/// target has a ring store; targets running a live store also have a lifecycler and the local store) and clears them
/// on shutdown; until then the routes answer 503, as Tempo's do while the module is not Running.
/// </summary>
public sealed class RingServices
{
    private volatile IPartitionRingStore? _store;
    private volatile PartitionLifecycler? _lifecycler;
    private volatile LiveTraceStore? _localStore;
    private volatile Blocks.Backend.IObjectStore? _blockStore;

    /// <summary>The ring as this process sees it; null while starting.</summary>
    public IPartitionRingStore? Store
    {
        get => _store;
        set => _store = value;
    }

    /// <summary>This live store's membership in the ring; null on targets without a live store, or while starting.</summary>
    public PartitionLifecycler? Lifecycler
    {
        get => _lifecycler;
        set => _lifecycler = value;
    }

    /// <summary>The <c>storage.trace</c> backend (the lineage audit reads its blocks); null until the live store starts.</summary>
    public Blocks.Backend.IObjectStore? BlockStore
    {
        get => _blockStore;
        set => _blockStore = value;
    }

    /// <summary>The live store of this process (serves <c>/live-store/api/traces</c>); null as for <see cref="Lifecycler"/>.</summary>
    public LiveTraceStore? LocalStore
    {
        get => _localStore;
        set => _localStore = value;
    }

    /// <summary>Full path of the prepare-downscale marker file (<c>live_store.shutdown_marker_dir</c>).</summary>
    public string ShutdownMarkerPath { get; set; } = "";

    /// <summary>
    /// How old an owner's heartbeat may be before the ring pages call it <c>UNHEALTHY</c> (dskit's ring
    /// <c>heartbeat_timeout</c>, default 1 minute). The trace fan-out skips such owners with the same limit.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
