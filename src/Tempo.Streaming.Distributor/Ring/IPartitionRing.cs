namespace Tempo.Streaming.Distributor;

/// <summary>
/// Maps a trace's token (<see cref="PartitionTokens.ForTrace(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>) to the
/// ingest-log partition it is written to (ARCHITECTURE.md §3-4). Like dskit's partition ring used by Tempo, every
/// partition owns a set of tokens on a 32-bit ring and a key belongs to the partition owning the first token
/// strictly greater than the key, wrapping around; only ACTIVE partitions receive writes, so a key whose owner is not
/// ACTIVE walks on to the next ACTIVE owner.
/// Implementations must be safe to call concurrently from many pushes.
/// </summary>
public interface IPartitionRing
{
    /// <summary>The ACTIVE partition that receives <paramref name="token"/>.</summary>
    /// <exception cref="InvalidOperationException">no partition is ACTIVE.</exception>
    int PartitionFor(uint token);

    /// <summary>Partitions currently ACTIVE (writable), ascending.</summary>
    IReadOnlyList<int> ActivePartitions { get; }
}
