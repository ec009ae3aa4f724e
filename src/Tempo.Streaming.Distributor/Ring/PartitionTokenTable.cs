namespace Tempo.Streaming.Distributor;

/// <summary>
/// An immutable token table over a set of partitions: the lookup structure both partition rings of the distributor
/// share (<see cref="InMemoryPartitionRing"/>, <see cref="RingPartitionSelector"/>).
/// <para>
/// Token layout: each partition owns <c>tokensPerPartition</c> tokens drawn from a SplitMix64 sequence seeded with
/// the partition ID (<see cref="TokensOf"/>), so the layout depends only on (partition ID, tokens per partition): it is
/// identical across restarts, processes and machines, and a table over a set of partitions holds exactly the tokens of
/// its members. Adding or removing partition P therefore only moves the keys P gains or loses. A token drawn by two
/// partitions is kept by both; the lookup then picks the lower partition ID, which is still deterministic. Lookup
/// follows dskit: the owner of the first token strictly greater than the key, wrapping past the largest token to the
/// smallest.
/// </para>
/// <para>
/// Tempo's Kafka partition ring instead uses dskit's spread-minimizing generator (512 tokens per partition); our ring
/// topic stores no tokens, so both sides derive them from the partition ID with this generator.
/// </para>
/// </summary>
public sealed class PartitionTokenTable
{
    public const int DefaultTokensPerPartition = 128;

    private readonly uint[] _tokens;
    private readonly int[] _owners;
    private readonly int[] _partitions;

    private PartitionTokenTable(uint[] tokens, int[] owners, int[] partitions, int tokensPerPartition)
    {
        _tokens = tokens;
        _owners = owners;
        _partitions = partitions;
        TokensPerPartition = tokensPerPartition;
    }

    /// <summary>The partitions of the table, ascending.</summary>
    public IReadOnlyList<int> Partitions => _partitions;

    public bool IsEmpty => _partitions.Length == 0;

    public int TokensPerPartition { get; }

    /// <summary>Builds the table of <paramref name="partitions"/> (distinct, non-negative IDs, any order; may be empty).</summary>
    public static PartitionTokenTable Build(IReadOnlyCollection<int> partitions, int tokensPerPartition = DefaultTokensPerPartition)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (tokensPerPartition <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tokensPerPartition), tokensPerPartition, "each partition needs at least one token");
        }

        var ids = new int[partitions.Count];
        var n = 0;
        foreach (var partition in partitions)
        {
            if (partition < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(partitions), partition, "partition IDs are non-negative");
            }

            ids[n++] = partition;
        }

        Array.Sort(ids);
        for (var i = 1; i < ids.Length; i++)
        {
            if (ids[i] == ids[i - 1])
            {
                throw new ArgumentException($"partition {ids[i]} is listed twice", nameof(partitions));
            }
        }

        var entries = new (uint Token, int Partition)[ids.Length * tokensPerPartition];
        n = 0;
        foreach (var partition in ids)
        {
            foreach (var token in TokensOf(partition, tokensPerPartition))
            {
                entries[n++] = (token, partition);
            }
        }

        // Tuples compare by token, then partition: equal tokens keep the lower partition first.
        Array.Sort(entries);
        var tokens = new uint[entries.Length];
        var owners = new int[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            (tokens[i], owners[i]) = entries[i];
        }

        return new PartitionTokenTable(tokens, owners, ids, tokensPerPartition);
    }

    /// <summary>
    /// The partition owning <paramref name="token"/>; -1 when the table is empty. Allocation-free and safe to call
    /// concurrently (the table never changes).
    /// </summary>
    public int PartitionFor(uint token)
    {
        if (_tokens.Length == 0)
        {
            return -1;
        }

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
