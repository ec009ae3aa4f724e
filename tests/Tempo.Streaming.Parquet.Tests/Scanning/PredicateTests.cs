using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Scanning;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

public class PredicateTests
{
    private static ColumnDescriptor Column(PhysicalType type, LogicalType? logical = null)
        => Schema.Message("m", Schema.Primitive("v", Repetition.Optional, type, logical)).Columns[0];

    private static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return b;
    }

    private static ColumnChunkInfo Chunk(ColumnDescriptor column, byte[]? min, byte[]? max, long nulls = 0, long values = 100)
        => new(column, CompressionCodec.Uncompressed, [Encoding.Plain], values, 0, 0, 0, new ColumnStatistics(column.Type, nulls, null, min, max));

    [Fact]
    public void Unsigned_64_bit_statistics_and_values_compare_unsigned()
    {
        var column = Column(PhysicalType.Int64, LogicalType.Integer(64, isSigned: false));
        // A UINT_64 chunk from 1 to 2^64-1: read signed, its max would be -1 and "> 2^62" would wrongly prune it.
        var chunk = Chunk(column, U64(1), U64(ulong.MaxValue));
        ColumnPredicates.Greater(1L << 62).KeepRowGroup(chunk).Should().BeTrue();
        ColumnPredicates.Less(0).KeepRowGroup(chunk).Should().BeFalse("no unsigned value is negative");

        var big = ColumnValue.FromUInt64(ulong.MaxValue, 1);
        ColumnPredicates.Greater(long.MaxValue).KeepValue(big).Should().BeTrue();
        ColumnPredicates.Equal(-1).KeepValue(big).Should().BeFalse("2^64-1 is not -1");
        ColumnPredicates.In(-1).KeepValue(big).Should().BeFalse();

        var uint32 = Column(PhysicalType.Int32, LogicalType.Integer(32, isSigned: false));
        var stats = Chunk(uint32, BitConverter.GetBytes(5), BitConverter.GetBytes(unchecked((int)0xF0000000u)));
        ColumnPredicates.Equal(0xE0000000L).KeepRowGroup(stats).Should().BeTrue();
    }

    [Fact]
    public void Null_counts_prune_value_and_null_predicates()
    {
        var column = Column(PhysicalType.Int64);
        var allNull = Chunk(column, null, null, nulls: 100, values: 100);
        ColumnPredicates.IsNotNull().KeepRowGroup(allNull).Should().BeFalse();
        ColumnPredicates.NotEqual(3).KeepRowGroup(allNull).Should().BeFalse();
        ColumnPredicates.IsNull().KeepRowGroup(allNull).Should().BeTrue();
        var noNull = Chunk(column, BitConverter.GetBytes(1L), BitConverter.GetBytes(9L), nulls: 0);
        ColumnPredicates.IsNull().KeepRowGroup(noNull).Should().BeFalse();
        ColumnPredicates.NotEqual(3).KeepRowGroup(noNull).Should().BeTrue();
        ColumnPredicates.NotEqual(3).KeepRowGroup(Chunk(column, BitConverter.GetBytes(3L), BitConverter.GetBytes(3L))).Should().BeFalse();
        ColumnPredicates.IsNull().KeepPage(column, new PageIndexEntry(0, 0, 0, false, BitConverter.GetBytes(1L), BitConverter.GetBytes(2L), null))
            .Should().BeTrue("an unknown null count proves nothing");
    }

    [Fact]
    public void Regular_expressions_are_fully_anchored_and_linear()
    {
        var value = ColumnValue.FromBytes("GET /api"u8.ToArray(), 0);
        ColumnPredicates.Regex("GET").KeepValue(value).Should().BeFalse("TraceQL anchors the pattern at both ends");
        ColumnPredicates.Regex("GET.*").KeepValue(value).Should().BeTrue();
        ColumnPredicates.Regex("GET|POST /api").KeepValue(value).Should().BeFalse("alternation is grouped inside the anchors");
        ColumnPredicates.Regex("a").KeepValue(ColumnValue.FromBytes("a\n"u8.ToArray(), 0)).Should().BeFalse("$ must not match before a final newline");
        ColumnPredicates.NotRegex("GET.*").KeepValue(value).Should().BeFalse();
        ColumnPredicates.NotRegex("x").KeepValue(ColumnValue.Null(0)).Should().BeFalse("!~ does not match a missing value");
        ColumnPredicates.Regex("(a+)+b").KeepValue(ColumnValue.FromBytes(System.Text.Encoding.UTF8.GetBytes(new string('a', 5000) + "c"), 0))
            .Should().BeFalse();
        var act = () => ColumnPredicates.Regex("(");
        act.Should().Throw<ArgumentException>().WithMessage("invalid regular expression '('*");
    }

    public static TheoryData<string> Kinds() => ["int", "double", "bytes", "bool"];

    /// <summary>
    /// Soundness of every pruning rule: for random value sets, whenever some value passes <see cref="ColumnPredicate.KeepValue"/>,
    /// the set's min/max/null statistics (chunk and page) must be kept; and pruning must happen for some sets.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void Statistics_pruning_never_drops_a_matching_set(string kind)
    {
        var random = new Random(kind.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        var (column, predicates) = kind switch
        {
            "int" => (Column(PhysicalType.Int64), new[]
            {
                ColumnPredicates.Equal(5), ColumnPredicates.NotEqual(5), ColumnPredicates.Less(-3), ColumnPredicates.LessOrEqual(0),
                ColumnPredicates.Greater(7), ColumnPredicates.GreaterOrEqual(9), ColumnPredicates.Between(-2, 2), ColumnPredicates.In(-9, 4, 11),
                ColumnPredicates.Or(ColumnPredicates.Equal(-10), ColumnPredicates.Equal(10)), ColumnPredicates.And(ColumnPredicates.Greater(0), ColumnPredicates.Less(3)),
                ColumnPredicates.IsNull(), ColumnPredicates.IsNotNull(),
            }),
            "double" => (Column(PhysicalType.Double), new[]
            {
                ColumnPredicates.Equal(0.5), ColumnPredicates.NotEqual(0.5), ColumnPredicates.Less(-1.5), ColumnPredicates.LessOrEqual(0.0),
                ColumnPredicates.Greater(2.25), ColumnPredicates.GreaterOrEqual(3.0), ColumnPredicates.Between(-0.5, 0.5),
            }),
            "bytes" => (Column(PhysicalType.ByteArray, LogicalType.String), new[]
            {
                ColumnPredicates.Equal("bb"), ColumnPredicates.NotEqual("bb"), ColumnPredicates.Less("b"), ColumnPredicates.LessOrEqual("ab"),
                ColumnPredicates.Greater("ca"), ColumnPredicates.GreaterOrEqual("c"), ColumnPredicates.Between("ab", "b"),
                ColumnPredicates.In("a", "cc", "zz"), ColumnPredicates.StartsWith("b"), ColumnPredicates.StartsWith("ca"), ColumnPredicates.Regex("a.*"),
            }),
            _ => (Column(PhysicalType.Boolean), new[] { ColumnPredicates.Equal(true), ColumnPredicates.Equal(false) }),
        };

        var pruned = new int[predicates.Length];
        for (var round = 0; round < 400; round++)
        {
            var n = random.Next(0, 5);
            var values = new List<ColumnValue>();
            var nulls = random.Next(3) == 0 ? random.Next(1, 3) : 0;
            for (var i = 0; i < n; i++) values.Add(RandomValue(kind, random));
            for (var i = 0; i < nulls; i++) values.Add(ColumnValue.Null(0));
            var (min, max) = MinMax(kind, values);
            var chunk = Chunk(column, min, max, nulls, values.Count);
            var page = new PageIndexEntry(0, 0, 0, n == 0, min, max, nulls);
            for (var p = 0; p < predicates.Length; p++)
            {
                var matches = values.Any(v => predicates[p].KeepValue(v));
                var keepChunk = predicates[p].KeepRowGroup(chunk);
                var keepPage = predicates[p].KeepPage(column, page);
                if (matches)
                {
                    keepChunk.Should().BeTrue($"{predicates[p]} matches a value of [{string.Join(", ", values)}]");
                    keepPage.Should().BeTrue($"{predicates[p]} matches a value of page [{string.Join(", ", values)}]");
                }
                if (!keepChunk) pruned[p]++;
            }
        }
        for (var p = 0; p < predicates.Length; p++)
        {
            if (predicates[p] is RegexPredicate) continue; // no statistics pruning beyond all-null
            pruned[p].Should().BeGreaterThan(0, $"{predicates[p]} should prune some random sets");
        }
    }

    private static ColumnValue RandomValue(string kind, Random random) => kind switch
    {
        "int" => ColumnValue.FromInt64(random.Next(-12, 13), 1),
        "double" => ColumnValue.FromDouble(random.Next(-16, 17) / 4.0, 1),
        "bytes" => ColumnValue.FromBytes(System.Text.Encoding.UTF8.GetBytes(new string((char)('a' + random.Next(3)), 1) + (random.Next(2) == 0 ? "" : ((char)('a' + random.Next(3))).ToString())), 1),
        _ => ColumnValue.FromBoolean(random.Next(2) == 0, 1),
    };

    private static (byte[]? Min, byte[]? Max) MinMax(string kind, List<ColumnValue> values)
    {
        var present = values.Where(v => !v.IsNull).ToList();
        if (present.Count == 0) return (null, null);
        switch (kind)
        {
            case "int":
                return (BitConverter.GetBytes(present.Min(v => v.Int64)), BitConverter.GetBytes(present.Max(v => v.Int64)));
            case "double":
                return (BitConverter.GetBytes(present.Min(v => v.Double)), BitConverter.GetBytes(present.Max(v => v.Double)));
            case "bytes":
                var sorted = present.Select(v => v.Bytes.ToArray()).OrderBy(b => b, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
                return (sorted[0], sorted[^1]);
            default:
                return ([(byte)(present.All(v => v.Boolean) ? 1 : 0)], [(byte)(present.Any(v => v.Boolean) ? 1 : 0)]);
        }
    }
}
