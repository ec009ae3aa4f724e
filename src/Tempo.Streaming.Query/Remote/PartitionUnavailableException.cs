namespace Tempo.Streaming.Query.Remote;

/// <summary>
/// A trace-by-ID lookup could not read every partition it must read: no owner of <see cref="Partitions"/> answered.
/// Answering without them could report a trace as missing or incomplete when it is not, so the lookup fails instead;
/// the HTTP layer turns this into a 503 (retry later) whose text names the partitions and why each owner failed.
/// </summary>
public sealed class PartitionUnavailableException : Exception
{
    public PartitionUnavailableException(IReadOnlyList<int> partitions, string message)
        : base(message)
    {
        Partitions = partitions;
    }

    /// <summary>The partitions no live store answered for, ascending.</summary>
    public IReadOnlyList<int> Partitions { get; }
}
