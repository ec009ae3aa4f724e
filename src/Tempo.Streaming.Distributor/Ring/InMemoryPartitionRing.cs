namespace Tempo.Streaming.Distributor;

/// <summary>
/// The single-binary partition ring (ARCHITECTURE.md §1.6, §4): partitions 0..N-1, all ACTIVE, kept in memory.
/// <para>
/// Token layout: each partition owns <see cref="TokensPerPartition"/> tokens drawn from a SplitMix64 sequence seeded
/// with the partition ID, so the layout depends only on (partition ID, tokens per partition): it is identical across
/// restarts, processes and machines, and adding partition N leaves the tokens of 0..N-1 unchanged (only keys now
/// owned by N move). A token drawn twice by two partitions is kept by both; the lookup then picks the lower partition
/// ID, which is still deterministic. Lookup follows dskit: the owner of the first token strictly greater than the key,
/// wrapping past the largest token to the smallest.
/// </para>
/// <para>
/// Tempo's Kafka partition ring instead uses dskit's spread-minimizing generator (512 tokens per partition); a
/// Tempo-compatible ring for distributed mode belongs with the Kafka-backed ring, not here.
/// </para>
/// </summary>
public sealed class InMemoryPartitionRing : IPartitionRing
{
    public const int DefaultTokensPerPartition = 128;

    private readonly uint[] _tokens;
    private readonly int[] _owners;
    private readonly int[] _active;

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
        var entries = new (uint Token, int Partition)[partitionCount * tokensPerPartition];
        var n = 0;
        for (var partition = 0; partition < partitionCount; partition++)
        {
            foreach (var token in TokensOf(partition, tokensPerPartition))
            {
                entries[n++] = (token, partition);
            }
        }

        // Tuples compare by token, then partition: equal tokens keep the lower partition first.
        Array.Sort(entries);
        _tokens = new uint[entries.Length];
        _owners = new int[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            (_tokens[i], _owners[i]) = entries[i];
        }

        _active = new int[partitionCount];
        for (var i = 0; i < partitionCount; i++)
        {
            _active[i] = i;
        }
    }

    public int PartitionCount { get; }

    public int TokensPerPartition { get; }

    public IReadOnlyList<int> ActivePartitions => _active;

    public int PartitionFor(uint token)
    {
        // First index whose token is > key. BinarySearch returns the index of an equal token (any of them when
        // duplicated) or the complement of the first greater one.
        var index = Array.BinarySearch(_tokens, token);
        if (index >= 0)
        {
            while (index < _tokens.Length && _tokens[index] == token)
            {
                index++;
            }
        }
        else
        {
            index = ~index;
        }

        return _owners[index == _tokens.Length ? 0 : index];
    }

    /// <summary>The tokens partition <paramref name="partition"/> owns, distinct, in generation order.</summary>
    public static uint[] TokensOf(int partition, int count)
    {
        // SplitMix64 (Steele, Lea, Flood 2014): a fixed, well-known sequence, unlike System.Random whose algorithm is
        // not part of its contract. The seed is the partition ID through SplitMix64's finaliser (a bijection), so the
        // sequences of different partitions start at unrelated points. The high 32 bits of each output are the tokens.
        var state = Mix((ulong)partition);
        var tokens = new uint[count];
        var seen = new HashSet<uint>(count);
        var n = 0;
        while (n < count)
        {
            state += 0x9E3779B97F4A7C15UL;
            var token = (uint)(Mix(state) >> 32);
            if (seen.Add(token))
            {
                tokens[n++] = token;
            }
        }

        return tokens;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
