using System.Buffers.Binary;

namespace Tempo.Streaming.Blocks.Bloom;

/// <summary>
/// Tempo's sharded trace-ID bloom filter (tempodb/encoding/common/bloom.go), bit-compatible with it: each shard is a
/// <c>willf/bloom</c> <c>BloomFilter</c> of <c>shardSizeBytes * 8</c> bits, stored as the object <c>bloom-&lt;n&gt;</c>,
/// and a trace ID lives in shard <see cref="ShardFor"/>. A querier fetches one shard per block to rule blocks out.
/// </summary>
/// <remarks>
/// Compatibility facts carried over from Tempo and its libraries:
/// <list type="bullet">
/// <item>k comes from <c>bloom.EstimateParameters(estimatedObjects, fp)</c>: m = ⌈−n·ln p / (ln 2)²⌉, k = ⌈ln 2 · m / n⌉;
/// the shard count is ⌈m / (shardSize·8)⌉ clamped to [1, 65535], and every shard gets the full shardSize·8 bits.</item>
/// <item>Locations: (h1, h2) = murmur3-128(id), (h3, h4) = murmur3-128(id ‖ 0x01);
/// location(i) = (h[i mod 2] + i·h[2 + ((i + i mod 2) mod 4) / 2]) mod m, with 64-bit wrap-around.</item>
/// <item>Serialisation (<c>BloomFilter.WriteTo</c>): big-endian uint64 m, uint64 k, then the <c>willf/bitset</c>:
/// uint64 bit length and the words as big-endian uint64; bit i is bit (i mod 64) of word i / 64.</item>
/// </list>
/// </remarks>
public sealed class ShardedBloomFilter
{
    /// <summary>Tempo pads trace IDs to 16 bytes (leading zeros) before hashing them into the filter.</summary>
    public const int TraceIdLength = 16;

    /// <summary>Bytes before the bit words: m, k, bit length.</summary>
    public const int HeaderLength = 24;

    /// <summary>Tempo's shard count for blocks written before the count was recorded in meta.json (bloomShards 0).</summary>
    public const int LegacyShardCount = 10;

    private const int MaxShardCount = ushort.MaxValue;

    private readonly ulong[][] _shards;
    private readonly ulong _bitsPerShard;

    public ShardedBloomFilter(double falsePositiveRate, int shardSizeBytes, int estimatedObjects)
    {
        if (!(falsePositiveRate > 0 && falsePositiveRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, "the false-positive rate must be in (0, 1)");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardSizeBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(estimatedObjects);

        var (bits, hashCount) = EstimateParameters(estimatedObjects, falsePositiveRate);
        var shardCount = Math.Ceiling(bits / (shardSizeBytes * 8.0));
        ShardCount = (int)Math.Clamp(shardCount, 1, MaxShardCount);
        HashCount = (int)hashCount;
        _bitsPerShard = (ulong)shardSizeBytes * 8;
        var words = checked((int)((_bitsPerShard + 63) / 64));
        _shards = new ulong[ShardCount][];
        for (var i = 0; i < ShardCount; i++)
        {
            _shards[i] = new ulong[words];
        }
    }

    /// <summary>Number of <c>bloom-&lt;n&gt;</c> objects (meta.json <c>bloomShards</c>).</summary>
    public int ShardCount { get; }

    /// <summary>k: hash functions per trace ID.</summary>
    public int HashCount { get; }

    /// <summary>m: bits per shard.</summary>
    public long BitsPerShard => (long)_bitsPerShard;

    /// <summary>
    /// willf/bloom <c>EstimateParameters(n, p)</c>: the total bits m and the hash count k for n objects at rate p.
    /// n is raised to 1 (Tempo never builds a filter for an empty block; 0 would divide by zero).
    /// </summary>
    public static (ulong Bits, ulong HashCount) EstimateParameters(long estimatedObjects, double falsePositiveRate)
    {
        double n = Math.Max(1, estimatedObjects);
        var m = Math.Ceiling(-1 * n * Math.Log(falsePositiveRate) / Math.Pow(Math.Log(2), 2));
        var k = Math.Ceiling(Math.Log(2) * m / n);
        return ((ulong)m, (ulong)Math.Max(1, k));
    }

    public void Add(ReadOnlySpan<byte> traceId)
    {
        Span<byte> padded = stackalloc byte[TraceIdLength];
        var id = Pad(traceId, padded);
        var shard = _shards[ShardFor(id, ShardCount)];
        var (h1, h2, h3, h4) = BaseHashes(id);
        for (var i = 0UL; i < (ulong)HashCount; i++)
        {
            var bit = Location(h1, h2, h3, h4, i) % _bitsPerShard;
            shard[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    /// <summary>Whether the trace ID may be in the filter (false positives at about the configured rate, no false negatives).</summary>
    public bool Contains(ReadOnlySpan<byte> traceId)
    {
        Span<byte> padded = stackalloc byte[TraceIdLength];
        var id = Pad(traceId, padded);
        var shard = _shards[ShardFor(id, ShardCount)];
        var (h1, h2, h3, h4) = BaseHashes(id);
        for (var i = 0UL; i < (ulong)HashCount; i++)
        {
            var bit = Location(h1, h2, h3, h4, i) % _bitsPerShard;
            if ((shard[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every shard in Tempo's <c>bloom-&lt;n&gt;</c> byte format, index = shard number.</summary>
    public byte[][] MarshalShards()
    {
        var result = new byte[ShardCount][];
        for (var s = 0; s < ShardCount; s++)
        {
            var words = _shards[s];
            var bytes = new byte[HeaderLength + words.Length * 8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, _bitsPerShard);
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), (ulong)HashCount);
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), _bitsPerShard);
            for (var w = 0; w < words.Length; w++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(HeaderLength + w * 8), words[w]);
            }

            result[s] = bytes;
        }

        return result;
    }

    /// <summary>
    /// Tempo's <c>ShardKeyForTraceID</c>: FNV-1 32-bit of the (16-byte padded) trace ID modulo the shard count; a count
    /// of 0 means the legacy 10 shards.
    /// </summary>
    public static int ShardFor(ReadOnlySpan<byte> traceId, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardCount);
        Span<byte> padded = stackalloc byte[TraceIdLength];
        var id = Pad(traceId, padded);
        var hash = 2166136261u;
        foreach (var b in id)
        {
            hash *= 16777619u;
            hash ^= b;
        }

        return (int)(hash % (uint)(shardCount == 0 ? LegacyShardCount : shardCount));
    }

    /// <summary>
    /// Tests a trace ID against one serialised shard (the bytes of <c>bloom-&lt;n&gt;</c>) without copying it.
    /// </summary>
    /// <exception cref="BloomFilterException">The bytes are not a valid serialised filter.</exception>
    public static bool Test(ReadOnlySpan<byte> shardBytes, ReadOnlySpan<byte> traceId)
    {
        var words = ValidateShard(shardBytes, out var bits, out var hashCount);
        Span<byte> padded = stackalloc byte[TraceIdLength];
        var id = Pad(traceId, padded);
        var (h1, h2, h3, h4) = BaseHashes(id);
        for (var i = 0UL; i < hashCount; i++)
        {
            var bit = Location(h1, h2, h3, h4, i) % bits;
            // Word bit / 64 is big-endian, so bit (bit mod 64) sits in byte 7 - (bit mod 64) / 8 of the word.
            var b = words[(int)((bit >> 6) * 8 + 7 - ((bit & 63) >> 3))];
            if ((b & (1 << (int)(bit & 7))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a serialised shard's header and length; returns the word bytes.</summary>
    /// <exception cref="BloomFilterException">Naming what is wrong.</exception>
    public static ReadOnlySpan<byte> ValidateShard(ReadOnlySpan<byte> shardBytes, out ulong bits, out ulong hashCount)
    {
        if (shardBytes.Length < HeaderLength)
        {
            throw new BloomFilterException(
                $"bloom filter shard is {shardBytes.Length} bytes, shorter than its {HeaderLength}-byte header");
        }

        bits = BinaryPrimitives.ReadUInt64BigEndian(shardBytes);
        hashCount = BinaryPrimitives.ReadUInt64BigEndian(shardBytes[8..]);
        var length = BinaryPrimitives.ReadUInt64BigEndian(shardBytes[16..]);
        if (bits == 0)
        {
            throw new BloomFilterException("bloom filter shard has m = 0 bits");
        }

        if (hashCount is 0 or > 64)
        {
            throw new BloomFilterException($"bloom filter shard has k = {hashCount} hash functions; expected 1..64");
        }

        if (length < bits)
        {
            throw new BloomFilterException($"bloom filter shard's bitset holds {length} bits, fewer than its m = {bits}");
        }

        var expected = (ulong)HeaderLength + (length + 63) / 64 * 8;
        if ((ulong)shardBytes.Length != expected)
        {
            throw new BloomFilterException(
                $"bloom filter shard is {shardBytes.Length} bytes but its header says {length} bits ({expected} bytes); the object is truncated or corrupt");
        }

        return shardBytes[HeaderLength..];
    }

    private static ReadOnlySpan<byte> Pad(ReadOnlySpan<byte> traceId, Span<byte> buffer)
    {
        if (traceId.Length == TraceIdLength)
        {
            return traceId;
        }

        if (traceId.Length > TraceIdLength || traceId.Length == 0)
        {
            throw new ArgumentException($"a trace ID has 1 to {TraceIdLength} bytes, got {traceId.Length}", nameof(traceId));
        }

        buffer.Clear();
        traceId.CopyTo(buffer[(TraceIdLength - traceId.Length)..]);
        return buffer;
    }

    private static (ulong, ulong, ulong, ulong) BaseHashes(ReadOnlySpan<byte> id)
    {
        // willf/bloom baseHashes: Sum128 of the data, then Sum128 after also writing one 0x01 byte.
        Span<byte> extended = stackalloc byte[TraceIdLength + 1];
        id.CopyTo(extended);
        extended[id.Length] = 1;
        var (h1, h2) = Murmur3.Hash128(id);
        var (h3, h4) = Murmur3.Hash128(extended[..(id.Length + 1)]);
        return (h1, h2, h3, h4);
    }

    private static ulong Location(ulong h1, ulong h2, ulong h3, ulong h4, ulong i)
    {
        var first = (i & 1) == 0 ? h1 : h2;
        var second = ((i + (i & 1)) % 4 / 2) == 0 ? h3 : h4;
        return first + i * second;
    }
}

/// <summary>A serialised bloom filter shard that cannot be used; the message names the problem.</summary>
public sealed class BloomFilterException : Exception
{
    public BloomFilterException(string message) : base(message) { }
}
