namespace Tempo.Streaming.Query.Remote;

/// <summary>How the trace fan-out picks and calls live stores.</summary>
public sealed record RingTraceFragmentSourceOptions
{
    /// <summary>This process's ring member ID: it is never called over HTTP (its own partitions are asked in-process).</summary>
    public required string InstanceId { get; init; }

    /// <summary>This process's availability zone: owners in the same zone are tried first (empty: no preference).</summary>
    public string Zone { get; init; } = "";

    /// <summary>
    /// An owner whose heartbeat is older than this is skipped (dskit's ring <c>heartbeat_timeout</c>, default 1 minute):
    /// it died without leaving the ring.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one live store may take to answer before the next owner of its partition is tried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws with a message naming the setting when a value cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(InstanceId))
        {
            throw new ArgumentException("the trace fan-out needs this process's ring instance ID (InstanceId is empty)");
        }

        if (HeartbeatTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"HeartbeatTimeout must be positive, got {HeartbeatTimeout}");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RequestTimeout must be positive, got {RequestTimeout}");
        }
    }
}
