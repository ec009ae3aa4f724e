namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>The service states of dskit's <c>services</c> package, which Tempo's <c>/ready</c> and <c>/status/services</c> print.</summary>
public enum ServiceState
{
    New,
    Starting,
    Running,
    Stopping,
    Terminated,
    Failed,
}

/// <summary>One component's lifecycle as the host reports it.</summary>
public sealed class ServiceStatus(string name)
{
    private readonly Lock _lock = new();
    private ServiceState _state = ServiceState.New;
    private string? _failure;

    public string Name { get; } = name;

    public ServiceState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the service failed (null unless <see cref="ServiceState.Failed"/>).</summary>
    public string? FailureCase
    {
        get
        {
            lock (_lock)
            {
                return _failure;
            }
        }
    }

    public void Set(ServiceState state)
    {
        lock (_lock)
        {
            // Failed and Terminated are final, as in dskit: a late "Stopping" must not hide a failure.
            if (_state is ServiceState.Failed || (_state is ServiceState.Terminated && state is not ServiceState.Failed))
            {
                return;
            }

            _state = state;
        }
    }

    public void Fail(Exception error)
    {
        lock (_lock)
        {
            _state = ServiceState.Failed;
            _failure = error.Message;
        }
    }
}

/// <summary>
/// The components this process runs and their states: <c>/ready</c> answers 200 only when every one is Running,
/// <c>/status/services</c> lists them. Registered once at startup, in start order.
/// </summary>
public sealed class ServiceRegistry
{
    public const string Server = "server";
    public const string IngestLog = "ingest-log";
    public const string PartitionRing = "partition-ring";
    public const string Distributor = "distributor";
    public const string Receivers = "receivers";
    public const string LiveStore = "live-store";
    public const string Compactor = "compactor";

    private readonly List<ServiceStatus> _services = [];
    private volatile bool _shutdownRequested;

    public IReadOnlyList<ServiceStatus> Services => _services;

    /// <summary>Set when SIGTERM/Ctrl-C arrives: /ready turns 503 at once, before services change state.</summary>
    public bool ShutdownRequested => _shutdownRequested;

    public ServiceStatus Register(string name)
    {
        if (_services.Exists(s => s.Name == name))
        {
            throw new InvalidOperationException($"service {name} registered twice");
        }

        var status = new ServiceStatus(name);
        _services.Add(status);
        return status;
    }

    public ServiceStatus Get(string name) =>
        _services.Find(s => s.Name == name) ?? throw new InvalidOperationException($"service {name} is not registered");

    public void RequestShutdown() => _shutdownRequested = true;

    public bool AllRunning() => _services.TrueForAll(s => s.State == ServiceState.Running);
}
