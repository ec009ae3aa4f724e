namespace Tempo.Streaming.Parquet;

/// <summary>
/// Assembles rows of one row group from its column chunks (Dremel record assembly) into <see cref="ParquetGroup"/>
/// trees. Only the columns asked for are fetched; fields of other columns come back null.
/// CONTRACT SKELETON (issue 5): the signatures are fixed; helper "parquet-file" writes the bodies.
/// </summary>
public sealed class RecordReader
{
    private RecordReader() { }

    /// <summary>Fetches the chunks of <paramref name="columns"/> (all when null) of one row group.</summary>
    public static Task<RecordReader> OpenAsync(ParquetFileReader file, int rowGroup, IReadOnlyList<int>? columns = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>Rows left in the row group.</summary>
    public long RemainingRows => throw new NotImplementedException();

    public void SkipRows(long rows) => throw new NotImplementedException();

    /// <summary>The next row, or null at the end of the row group.</summary>
    public ParquetGroup? ReadRow() => throw new NotImplementedException();
}

/// <summary>
/// An assembled group value. <c>Fields[i]</c> belongs to <c>Schema.Children[i]</c> and is: null (absent optional
/// field or column not read); a repeated field → <c>List&lt;object?&gt;</c>; a group → <see cref="ParquetGroup"/>;
/// a primitive → bool, int, long, float, double, string (STRING-annotated byte arrays) or byte[].
/// </summary>
public sealed class ParquetGroup(GroupNode schema, object?[] fields)
{
    public GroupNode Schema { get; } = schema;
    public object?[] Fields { get; } = fields;

    public object? this[string name] => Schema.IndexOf(name) is var i and >= 0
        ? Fields[i]
        : throw new KeyNotFoundException($"group '{Schema.Name}' has no field '{name}'");
}
