namespace Tempo.Streaming.Distributor;

/// <summary>
/// A fixed partition ring: partitions 0..N-1, all ACTIVE, no ring store behind it. Tests and benchmarks use it; the
/// server routes through <see cref="RingPartitionSelector"/> over the ring store in every mode. Token layout and
/// lookup: <see cref="PartitionTokenTable"/>.
/// </summary>
public sealed class InMemoryPartitionRing : IPartitionRing
{
    public const int DefaultTokensPerPartition = PartitionTokenTable.DefaultTokensPerPartition;

    private readonly PartitionTokenTable _table;

    public InMemoryPartitionRing(int partitionCount, int tokensPerPartition = DefaultTokensPerPartition)
    {
        if (partitionCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(partitionCount), partitionCount, "the ring needs at least one partition");
        }

        if (tokensPerPartition <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tokensPerPartition), tokensPerPartition, "each partition needs at least one token");
        }

        PartitionCount = partitionCount;
        TokensPerPartition = tokensPerPartition;
        var partitions = new int[partitionCount];
        for (var i = 0; i < partitionCount; i++)
        {
            partitions[i] = i;
        }

        _table = PartitionTokenTable.Build(partitions, tokensPerPartition);
    }

    public int PartitionCount { get; }

    public int TokensPerPartition { get; }

    public IReadOnlyList<int> ActivePartitions => _table.Partitions;

    public int PartitionFor(uint token) => _table.PartitionFor(token);

    /// <summary>The tokens partition <paramref name="partition"/> owns (<see cref="PartitionTokenTable.TokensOf"/>).</summary>
    public static uint[] TokensOf(int partition, int count) => PartitionTokenTable.TokensOf(partition, count);
}
