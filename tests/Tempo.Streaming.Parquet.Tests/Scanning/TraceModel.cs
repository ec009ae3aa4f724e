using Tempo.Streaming.Parquet.Scanning;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

internal sealed record AttrModel(string Key, long? IntValue);
internal sealed record SpanModel(string Name, long Duration, long? Status, List<AttrModel> Attrs);
internal sealed record ResourceModel(string ServiceName, List<SpanModel> Spans);
internal sealed record TraceModel(long Id, List<ResourceModel> Resources);

/// <summary>
/// A Tempo-like nesting for scan tests: a row per trace with a list of resources, each with a list of spans, each with a
/// list of attributes (depths: 0 trace, 1 resource, 2 span, 3 attribute). Shreds rows into column entries with the
/// positions a scan must report, computed from the tree (the brute force the iterators are checked against).
/// </summary>
internal static class TraceShape
{
    public const int Id = 0, ServiceName = 1, SpanName = 2, Duration = 3, Status = 4, AttrKey = 5, AttrInt = 6;
    public const string IdPath = "Id";
    public const string ServiceNamePath = "rs.list.element.ServiceName";
    public const string SpanNamePath = "rs.list.element.spans.list.element.Name";
    public const string DurationPath = "rs.list.element.spans.list.element.Duration";
    public const string StatusPath = "rs.list.element.spans.list.element.Status";
    public const string AttrKeyPath = "rs.list.element.spans.list.element.attrs.list.element.Key";
    public const string AttrIntPath = "rs.list.element.spans.list.element.attrs.list.element.IntValue";

    public static readonly ParquetSchema Schema = Parquet.Schema.Message("Trace",
        Parquet.Schema.Primitive("Id", Repetition.Required, PhysicalType.Int64),
        Parquet.Schema.List("rs", Repetition.Required, Parquet.Schema.Group("element", Repetition.Required,
            Parquet.Schema.String("ServiceName"),
            Parquet.Schema.List("spans", Repetition.Required, Parquet.Schema.Group("element", Repetition.Required,
                Parquet.Schema.String("Name"),
                Parquet.Schema.Primitive("Duration", Repetition.Required, PhysicalType.Int64),
                Parquet.Schema.Primitive("Status", Repetition.Optional, PhysicalType.Int64),
                Parquet.Schema.List("attrs", Repetition.Required, Parquet.Schema.Group("element", Repetition.Required,
                    Parquet.Schema.String("Key"),
                    Parquet.Schema.Primitive("IntValue", Repetition.Optional, PhysicalType.Int64))))))));

    public static readonly string[] Services = ["frontend", "cart", "checkout", "db", "auth"];
    public static readonly string[] SpanNames = ["GET /", "POST /cart", "SELECT", "charge", "login", "render", "cache.get"];
    public static readonly string[] Keys = ["http.status", "retries", "peer", "user", "zone"];

    public static List<TraceModel> Random(int seed, int count, long firstId = 0, bool sortedIds = true)
    {
        var random = new Random(seed);
        var rows = new List<TraceModel>(count);
        for (var t = 0; t < count; t++)
        {
            var resources = new List<ResourceModel>();
            var nr = random.Next(0, 4);
            for (var r = 0; r < nr; r++)
            {
                var spans = new List<SpanModel>();
                var ns = random.Next(0, 5);
                for (var s = 0; s < ns; s++)
                {
                    var attrs = new List<AttrModel>();
                    var na = random.Next(0, 4);
                    for (var a = 0; a < na; a++)
                    {
                        attrs.Add(new AttrModel(Keys[random.Next(Keys.Length)], random.Next(3) == 0 ? null : random.Next(-50, 50)));
                    }
                    spans.Add(new SpanModel(SpanNames[random.Next(SpanNames.Length)], random.Next(0, 1_000_000),
                        random.Next(4) == 0 ? null : random.Next(0, 600), attrs));
                }
                resources.Add(new ResourceModel(Services[random.Next(Services.Length)], spans));
            }
            rows.Add(new TraceModel(sortedIds ? firstId + t : random.Next(), resources));
        }
        return rows;
    }

    /// <summary>The entries of every column for rows that start at file row <paramref name="firstRow"/>.</summary>
    public static List<SyntheticEntry>[] Shred(IReadOnlyList<TraceModel> rows, long firstRow)
    {
        var columns = new List<SyntheticEntry>[Schema.Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = [];
            for (var t = 0; t < rows.Count; t++) Walk(rows[t], c, 0, 0, [(int)(firstRow + t)], columns[c]);
        }
        return columns;
    }

    public static int DepthOf(int column) => column switch
    {
        Id => 0,
        ServiceName => 1,
        SpanName or Duration or Status => 2,
        _ => 3,
    };

    private static void Walk(object node, int column, int depth, int repetition, int[] path, List<SyntheticEntry> output)
    {
        var columnDepth = DepthOf(column);
        if (depth == columnDepth)
        {
            var value = Leaf(node, column);
            var optional = column is Status or AttrInt;
            var maxDefinition = columnDepth + (optional ? 1 : 0);
            output.Add(new SyntheticEntry(repetition, value is null ? maxDefinition - 1 : maxDefinition, value, RowNumber.Create(path)));
            return;
        }
        var children = Children(node, depth);
        if (children.Count == 0)
        {
            // An empty list: the entry exists down to this depth (required LIST groups: definition level = depth).
            output.Add(new SyntheticEntry(repetition, depth, null, RowNumber.Create(path)));
            return;
        }
        for (var k = 0; k < children.Count; k++) Walk(children[k], column, depth + 1, k == 0 ? repetition : depth + 1, [.. path, k], output);
    }

    private static IReadOnlyList<object> Children(object node, int depth) => node switch
    {
        TraceModel t => t.Resources,
        ResourceModel r => r.Spans,
        SpanModel s => s.Attrs,
        _ => throw new InvalidOperationException($"no children at depth {depth}"),
    };

    private static object? Leaf(object node, int column) => (node, column) switch
    {
        (TraceModel t, Id) => t.Id,
        (ResourceModel r, ServiceName) => r.ServiceName,
        (SpanModel s, SpanName) => s.Name,
        (SpanModel s, Duration) => s.Duration,
        (SpanModel s, Status) => s.Status,
        (AttrModel a, AttrKey) => a.Key,
        (AttrModel a, AttrInt) => a.IntValue,
        _ => throw new InvalidOperationException($"column {column} has no leaf on {node}"),
    };

    /// <summary>A synthetic file of row groups of <paramref name="rowsPerGroup"/> rows.</summary>
    public static SyntheticFile Synthetic(IReadOnlyList<TraceModel> rows, int rowsPerGroup, int rowsPerPage, bool dictionaries = false)
    {
        var groups = new List<List<SyntheticEntry>[]>();
        for (var first = 0; first < rows.Count; first += rowsPerGroup)
        {
            var n = Math.Min(rowsPerGroup, rows.Count - first);
            groups.Add(Shred(rows.Skip(first).Take(n).ToList(), first));
        }
        return new SyntheticFile(Schema, groups, rowsPerPage, dictionaries);
    }

    /// <summary>Every entry of a column over all rows, with positions (the brute force).</summary>
    public static List<SyntheticEntry> AllEntries(IReadOnlyList<TraceModel> rows, int column) => Shred(rows, 0)[column];
}
