using System.Buffers.Binary;
using Tempo.Streaming.Blocks.Bloom;
using Tempo.Streaming.Blocks.Tests.Infrastructure;

namespace Tempo.Streaming.Blocks.Tests.Bloom;

public sealed class ShardedBloomFilterTests
{
    private const int TempoShardSize = 100 * 1024;

    [TempoBlockFact]
    public async Task Every_trace_of_Tempos_block_tests_positive_in_Tempos_bloom_0()
    {
        var ids = await DuckDbQuery.TraceIdsAsync(Path.Combine(RepoPaths.TempoVParquet4Block, "data.parquet"));
        var bloom0 = File.ReadAllBytes(Path.Combine(RepoPaths.TempoVParquet4Block, "bloom-0"));

        ids.Should().HaveCount(134);
        foreach (var id in ids)
        {
            ShardedBloomFilter.ShardFor(id, 1).Should().Be(0);
            ShardedBloomFilter.Test(bloom0, id).Should().BeTrue($"trace {Convert.ToHexString(id)} is in the block");
        }
    }

    [TempoBlockFact]
    public async Task Our_filter_over_Tempos_trace_ids_is_byte_identical_to_Tempos_bloom_0()
    {
        var ids = await DuckDbQuery.TraceIdsAsync(Path.Combine(RepoPaths.TempoVParquet4Block, "data.parquet"));
        var bloom0 = File.ReadAllBytes(Path.Combine(RepoPaths.TempoVParquet4Block, "bloom-0"));
        // Tempo's header says m = 819200 bits (shard size 100 KiB) and k = 5: a false-positive setting in [1/32, 1/16)
        // gives k = 5 whatever the object count (k = ⌈-log2 p⌉); its tests configure 0.05.
        BinaryPrimitives.ReadUInt64BigEndian(bloom0.AsSpan(8)).Should().Be(5);

        var filter = new ShardedBloomFilter(0.05, TempoShardSize, ids.Count);
        foreach (var id in ids)
        {
            filter.Add(id);
        }

        filter.ShardCount.Should().Be(1);
        filter.HashCount.Should().Be(5);
        var shards = filter.MarshalShards();
        shards.Should().ContainSingle().Which.Length.Should().Be(102424);
        shards[0].Should().Equal(bloom0);
    }

    [Fact]
    public void False_positive_rate_is_near_the_configured_one_at_capacity()
    {
        // 85,000 IDs fill one 100 KiB shard at fp 0.01 (m ≈ 9.59 bits per object): the expected rate is ~0.97%.
        var random = new Random(1234);
        var filter = new ShardedBloomFilter(0.01, TempoShardSize, 85_000);
        var id = new byte[16];
        var added = new HashSet<UInt128>();
        for (var i = 0; i < 85_000; i++)
        {
            random.NextBytes(id);
            filter.Add(id);
            added.Add(BinaryPrimitives.ReadUInt128BigEndian(id));
        }

        var shard = filter.MarshalShards()[0];
        int falsePositives = 0, probes = 0;
        while (probes < 100_000)
        {
            random.NextBytes(id);
            if (added.Contains(BinaryPrimitives.ReadUInt128BigEndian(id)))
            {
                continue;
            }

            probes++;
            if (ShardedBloomFilter.Test(shard, id))
            {
                falsePositives++;
            }
        }

        filter.ShardCount.Should().Be(1);
        filter.HashCount.Should().Be(7);
        ((double)falsePositives / probes).Should().BeInRange(0.006, 0.014);
    }

    [Fact]
    public void Shards_by_fnv1_and_finds_every_added_id_in_its_shard()
    {
        // 1M objects at fp 0.01 need ~9.6 Mbit: 12 shards of 100 KiB.
        var filter = new ShardedBloomFilter(0.01, TempoShardSize, 1_000_000);
        filter.ShardCount.Should().Be(12);

        var random = new Random(7);
        var ids = new List<byte[]>();
        for (var i = 0; i < 2000; i++)
        {
            var id = new byte[16];
            random.NextBytes(id);
            ids.Add(id);
            filter.Add(id);
        }

        var shards = filter.MarshalShards();
        foreach (var id in ids)
        {
            var shard = ShardedBloomFilter.ShardFor(id, filter.ShardCount);
            ShardedBloomFilter.Test(shards[shard], id).Should().BeTrue();
            filter.Contains(id).Should().BeTrue();
        }
    }

    [Fact]
    public void ShardFor_is_fnv1_32_of_the_padded_id()
    {
        // FNV-1 32 of 16 zero bytes, computed by hand from the spec (offset basis 2166136261, prime 16777619, multiply then xor).
        var hash = 2166136261u;
        for (var i = 0; i < 16; i++)
        {
            hash *= 16777619u;
        }

        ShardedBloomFilter.ShardFor(new byte[16], 1000).Should().Be((int)(hash % 1000));
        // Shorter IDs are padded with leading zeros, as Tempo does.
        ShardedBloomFilter.ShardFor([0, 0, 1], 97).Should().Be(ShardedBloomFilter.ShardFor(Convert.FromHexString("00000000000000000000000000000001"), 97));
        // A count of 0 is Tempo's legacy 10 shards.
        ShardedBloomFilter.ShardFor(new byte[16], 0).Should().Be((int)(hash % 10));
    }

    [Fact]
    public void Corrupt_shards_are_reported_with_the_problem()
    {
        var good = new ShardedBloomFilter(0.01, 1024, 100).MarshalShards()[0];
        var id = new byte[16];

        var tooShort = () => ShardedBloomFilter.Test(good.AsSpan(0, 10), id);
        var truncated = () => ShardedBloomFilter.Test(good.AsSpan(0, good.Length - 8), id);
        var zeroK = good.ToArray();
        BinaryPrimitives.WriteUInt64BigEndian(zeroK.AsSpan(8), 0);
        var noHashes = () => ShardedBloomFilter.Test(zeroK, id);

        tooShort.Should().Throw<BloomFilterException>().WithMessage("*shorter than its 24-byte header*");
        truncated.Should().Throw<BloomFilterException>().WithMessage("*truncated or corrupt*");
        noHashes.Should().Throw<BloomFilterException>().WithMessage("*k = 0*");
    }

    [Fact]
    public void Estimates_parameters_like_willf_bloom()
    {
        // m = ceil(-n ln p / ln(2)^2), k = ceil(ln 2 * m / n)
        ShardedBloomFilter.EstimateParameters(1000, 0.01).Should().Be((9586UL, 7UL));
        ShardedBloomFilter.EstimateParameters(134, 0.05).Should().Be((836UL, 5UL));
    }
}
