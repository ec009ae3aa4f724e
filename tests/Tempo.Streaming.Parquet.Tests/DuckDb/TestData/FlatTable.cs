using static Tempo.Streaming.Parquet.Schema;

namespace Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

/// <summary>
/// A flat table with one column per physical type and per integer annotation (signed 8/16, unsigned 8/16/32/64 with
/// values above the signed maximum), optional columns with nulls, written column by column with explicit levels.
/// </summary>
internal static class FlatTable
{
    public static readonly ParquetSchema Schema = Message("flat",
        Primitive("flag", Repetition.Required, PhysicalType.Boolean),
        Primitive("i32", Repetition.Optional, PhysicalType.Int32),
        Primitive("i64", Repetition.Optional, PhysicalType.Int64),
        Primitive("f32", Repetition.Optional, PhysicalType.Float),
        Primitive("f64", Repetition.Optional, PhysicalType.Double),
        Primitive("bin", Repetition.Optional, PhysicalType.ByteArray),
        String("str", Repetition.Optional),
        Primitive("fixed", Repetition.Optional, PhysicalType.FixedLenByteArray, typeLength: 16),
        Primitive("u8", Repetition.Optional, PhysicalType.Int32, LogicalType.Integer(8, isSigned: false)),
        Primitive("u16", Repetition.Required, PhysicalType.Int32, LogicalType.Integer(16, isSigned: false)),
        Primitive("u32", Repetition.Optional, PhysicalType.Int32, LogicalType.Integer(32, isSigned: false)),
        Primitive("u64", Repetition.Optional, PhysicalType.Int64, LogicalType.Integer(64, isSigned: false)),
        Primitive("i8", Repetition.Optional, PhysicalType.Int32, LogicalType.Integer(8, isSigned: true)),
        Primitive("i16", Repetition.Optional, PhysicalType.Int32, LogicalType.Integer(16, isSigned: true)),
        String("service"),
        Primitive("status", Repetition.Required, PhysicalType.Int32));

    /// <summary>Integer columns (those DELTA_BINARY_PACKED applies to).</summary>
    public static readonly string[] IntegerColumns = ["i32", "i64", "u8", "u16", "u32", "u64", "i8", "i16", "status"];

    /// <summary>Columns with a handful of distinct values: a dictionary always pays off for them, whereas the writer may
    /// rightly give up the dictionary of the random high-cardinality columns after the first page.</summary>
    public static readonly string[] LowCardinalityColumns = ["service", "status"];

    private static readonly string[] Services = ["frontend", "checkout", "payment", "ad-service", "cart"];

    private static readonly string[] Words = ["", "GET /api/traces", "ünïcødé ✓", "a'b\"c\\d", "frontend", "checkout", "payment", "\u0001ctl"];

    public static List<object?[]> Rows(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<object?[]>(count);
        for (var r = 0; r < count; r++)
        {
            bool Null() => rng.Next(9) == 0;
            var fixedBytes = new byte[16];
            rng.NextBytes(fixedBytes);
            var bin = new byte[rng.Next(0, 13)];
            rng.NextBytes(bin);
            rows.Add(
            [
                rng.Next(2) == 0,
                Null() ? null : rng.Next(3) == 0 ? rng.Next(-10, 10) : rng.Next(int.MinValue, int.MaxValue),
                Null() ? null : r switch
                {
                    7 => long.MinValue,
                    8 => long.MaxValue,
                    _ => 1_700_000_000_000_000_000L + r * 1_000L + rng.Next(1000),
                },
                Null() ? null : r == 5 ? float.MaxValue : (float)(rng.NextDouble() * 200 - 100),
                Null() ? null : r % 50 == 13 ? double.NaN : rng.NextDouble() * 1e6 - 5e5,
                Null() ? null : bin,
                Null() ? null : rng.Next(3) == 0 ? $"word-{rng.Next(100000)}" : Words[rng.Next(Words.Length)],
                Null() ? null : fixedBytes,
                Null() ? null : rng.Next(256),
                rng.Next(65536),
                Null() ? null : unchecked((int)(uint)rng.NextInt64(0, (long)uint.MaxValue + 1)),
                Null() ? null : r switch
                {
                    0 => unchecked((long)((1UL << 63) + 5)),
                    1 => unchecked((long)ulong.MaxValue),
                    _ => unchecked((long)(ulong)rng.NextInt64()) ^ (rng.Next(2) == 0 ? long.MinValue : 0),
                },
                Null() ? null : rng.Next(-128, 128),
                Null() ? null : rng.Next(-32768, 32768),
                Services[rng.Next(Services.Length)],
                rng.Next(3),
            ]);
        }
        return rows;
    }

    /// <summary>Writes the rows of one row group column by column through <see cref="ColumnWriter"/> with explicit levels.</summary>
    public static void WriteColumns(RowGroupWriter rowGroup, IReadOnlyList<object?[]> rows)
    {
        foreach (var column in Schema.Columns)
        {
            var writer = rowGroup.Column(column.Index);
            foreach (var row in rows)
            {
                switch (row[column.Index])
                {
                    case null: writer.WriteNull(0); break;
                    case bool b: writer.WriteBoolean(b); break;
                    case int i: writer.WriteInt32(i); break;
                    case long l: writer.WriteInt64(l); break;
                    case float f: writer.WriteFloat(f); break;
                    case double d: writer.WriteDouble(d); break;
                    case string s: writer.WriteString(s); break;
                    case byte[] bytes: writer.WriteBytes(bytes); break;
                }
            }
        }
    }
}
