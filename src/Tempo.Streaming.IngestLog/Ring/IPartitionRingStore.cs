namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// Where the partition ring lives (ARCHITECTURE.md §4): a compacted Kafka topic <c>&lt;topic&gt;-ring</c> in distributed
/// mode, memory in single-binary mode. Every component holds one store, reads <see cref="Current"/> on its hot path
/// (an immutable snapshot, no lock), and learns of other members' writes by tailing. Entries are last-writer-wins per key
/// (a partition ID or a member ID); each key has one writer in normal operation — a live store writes its own owner
/// entry and the state of the partition it owns.
/// </summary>
public interface IPartitionRingStore : IAsyncDisposable
{
    /// <summary>The latest ring this store knows. After a write completes it includes that write (read-your-writes).</summary>
    PartitionRingDesc Current { get; }

    /// <summary>Raised (on a background thread) after <see cref="Current"/> changed, with the new ring.</summary>
    event Action<PartitionRingDesc>? Changed;

    /// <summary>
    /// Loads the ring as it is now (Kafka: reads the ring topic up to its end) and starts following later changes.
    /// Completes once <see cref="Current"/> reflects every entry written before the call.
    /// </summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Writes (creates or replaces) a partition entry; completes once durable (Kafka: acks=all).</summary>
    Task SetPartitionAsync(PartitionDesc partition, CancellationToken cancellationToken);

    /// <summary>Removes a partition entry (Kafka: a tombstone).</summary>
    Task RemovePartitionAsync(int partitionId, CancellationToken cancellationToken);

    /// <summary>Writes (creates or replaces) an owner entry.</summary>
    Task SetOwnerAsync(OwnerDesc owner, CancellationToken cancellationToken);

    /// <summary>Removes an owner entry (Kafka: a tombstone).</summary>
    Task RemoveOwnerAsync(string instanceId, CancellationToken cancellationToken);
}
