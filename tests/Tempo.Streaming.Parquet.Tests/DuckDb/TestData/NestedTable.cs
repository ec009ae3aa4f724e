using static Tempo.Streaming.Parquet.Schema;
using static Tempo.Streaming.Parquet.Tests.DuckDb.TestData.RecordTree;

namespace Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

/// <summary>
/// The nesting shapes Tempo's vParquet4 schema relies on, each with its edge cases: a list of strings (null list, empty
/// list, null elements), a list of lists, a list of structs with optional fields, a map of string to int64 (null map,
/// empty map, null values), a struct inside an optional struct, a bare repeated field and a required list.
/// </summary>
internal static class NestedTable
{
    public static readonly ParquetSchema Schema = Message("nested",
        Primitive("id", Repetition.Required, PhysicalType.Int64),
        List("tags", Repetition.Optional, String("element", Repetition.Optional)),
        List("matrix", Repetition.Optional,
            List("element", Repetition.Optional, Primitive("element", Repetition.Optional, PhysicalType.Int32))),
        List("events", Repetition.Optional,
            Group("element", Repetition.Optional,
                String("name", Repetition.Optional),
                Primitive("at", Repetition.Optional, PhysicalType.Int64, LogicalType.Integer(64, isSigned: false)),
                Primitive("ok", Repetition.Required, PhysicalType.Boolean))),
        Map("attrs", Repetition.Optional, String("key"), Primitive("value", Repetition.Optional, PhysicalType.Int64)),
        Group("outer", Repetition.Optional,
            Group("inner", Repetition.Optional,
                Primitive("x", Repetition.Optional, PhysicalType.Int32),
                String("y", Repetition.Required)),
            Primitive("z", Repetition.Optional, PhysicalType.Double)),
        Primitive("codes", Repetition.Repeated, PhysicalType.Int64),
        List("req_list", Repetition.Required, Primitive("element", Repetition.Required, PhysicalType.Int32)));

    /// <remarks>A single group or list value passed to <c>List(...)</c> is cast to object: C# would otherwise take the
    /// array itself as the params array.</remarks>
    public static List<object?[]> Rows(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<object?[]>(count);
        for (var r = 0; r < count; r++)
        {
            var n = (long)r;
            rows.Add(Group(
                n,
                (r % 6) switch
                {
                    0 => null,
                    1 => List(),
                    2 => List("a"),
                    3 => List("a", null, "b"),
                    4 => List((string?)null),
                    _ => List($"tag-{rng.Next(40)}", $"tag-{rng.Next(40)}", $"tag-{rng.Next(40)}"),
                },
                (r % 7) switch
                {
                    0 => null,
                    1 => List(),
                    2 => List((object?)null),
                    3 => List((object)List()),
                    4 => List(List(1, null, 2), List(3)),
                    5 => List(List(rng.Next()), null, List(rng.Next(-5, 5), rng.Next(-5, 5))),
                    _ => List((object)List(r)),
                },
                (r % 5) switch
                {
                    0 => null,
                    1 => List(),
                    2 => List((object?)null),
                    3 => List((object)Group(null, unchecked((long)(ulong.MaxValue - (ulong)r)), true)),
                    _ => List(Group($"event-{rng.Next(10)}", (long)rng.Next(), false), null, Group("x", null, true)),
                },
                (r % 4) switch
                {
                    0 => null,
                    1 => Map(),
                    2 => Map(("a", 1L), ("b", null)),
                    _ => Map(($"k{rng.Next(5)}", rng.NextInt64(long.MinValue, long.MaxValue)), ("z", (long)r)),
                },
                (r % 3) switch
                {
                    0 => null,
                    1 => Group(null, 1.5 * r),
                    _ => Group(Group(r % 2 == 0 ? null : r, $"y{r % 11}"), null),
                },
                r % 3 == 0 ? Repeated() : Repeated(n, n * 2, -n),
                r % 4 == 0 ? List() : List(r, r + 1)));
        }
        return rows;
    }
}
