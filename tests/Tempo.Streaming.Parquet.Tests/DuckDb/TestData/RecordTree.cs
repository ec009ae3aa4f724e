namespace Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

/// <summary>
/// Test records as plain object trees shaped like <see cref="ParquetGroup"/>: a group is <c>object?[]</c> (one entry per
/// schema child), a repeated field is <see cref="List{T}"/> of <c>object?</c>, a primitive is bool, int, long, float,
/// double, string or byte[] holding the physical value (unsigned integers as their two's-complement bits). The same tree
/// drives our <see cref="RecordWriter"/> and becomes DuckDB's expected JSON, so the two can never disagree by construction.
/// </summary>
internal static class RecordTree
{
    public static object?[] Group(params object?[] fields) => fields;

    public static List<object?> Repeated(params object?[] items) => [.. items];

    /// <summary>The value of a spec three-level LIST group: <c>{ list: [ { element }, ... ] }</c>.</summary>
    public static object?[] List(params object?[] elements)
    {
        var entries = new List<object?>(elements.Length);
        foreach (var element in elements) entries.Add(new[] { element });
        return [entries];
    }

    /// <summary>The value of a spec MAP group: <c>{ key_value: [ { key, value }, ... ] }</c>.</summary>
    public static object?[] Map(params (object Key, object? Value)[] entries)
    {
        var keyValues = new List<object?>(entries.Length);
        foreach (var (key, value) in entries) keyValues.Add(new[] { key, value });
        return [keyValues];
    }

    /// <summary>Writes one record through the shredding writer: absent fields and empty repeated fields are simply not
    /// started, as in parquet-mr's RecordConsumer, so the writer must derive their levels itself.</summary>
    public static void Write(RecordWriter writer, GroupNode root, object?[] record)
    {
        writer.BeginRecord();
        WriteFields(writer, root, record);
        writer.EndRecord();
    }

    private static void WriteFields(RecordWriter writer, GroupNode group, object?[] fields)
    {
        if (fields.Length != group.Children.Count)
            throw new ArgumentException($"group '{group.Name}' has {group.Children.Count} fields, the test record {fields.Length}");
        for (var i = 0; i < fields.Length; i++)
        {
            var child = group.Children[i];
            var value = fields[i];
            if (value is null) continue;
            if (child.Repetition == Repetition.Repeated)
            {
                var items = (List<object?>)value;
                if (items.Count == 0) continue;
                writer.BeginField(i);
                foreach (var item in items) WriteValue(writer, child, item ?? throw new ArgumentException($"repeated field '{child.Name}' cannot hold null"));
                writer.EndField();
            }
            else
            {
                writer.BeginField(i);
                WriteValue(writer, child, value);
                writer.EndField();
            }
        }
    }

    private static void WriteValue(RecordWriter writer, SchemaNode node, object value)
    {
        if (node is GroupNode group)
        {
            writer.BeginGroup();
            WriteFields(writer, group, (object?[])value);
            writer.EndGroup();
            return;
        }
        switch (value)
        {
            case bool b: writer.WriteBoolean(b); break;
            case int i: writer.WriteInt32(i); break;
            case long l: writer.WriteInt64(l); break;
            case float f: writer.WriteFloat(f); break;
            case double d: writer.WriteDouble(d); break;
            case string s: writer.WriteString(s); break;
            case byte[] bytes: writer.WriteBytes(bytes); break;
            default: throw new ArgumentException($"field '{node.Name}': unsupported test value {value.GetType().Name}");
        }
    }
}
