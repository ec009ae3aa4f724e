namespace Tempo.Streaming.Parquet;

/// <summary>A message schema: the root group and its leaf columns in file order.</summary>
public sealed class ParquetSchema
{
    private readonly Dictionary<string, ColumnDescriptor> _byPath = new(StringComparer.Ordinal);

    public ParquetSchema(GroupNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        var columns = new List<ColumnDescriptor>();
        var path = new List<SchemaNode>();
        foreach (var child in root.Children) Collect(child, path, columns);
        Columns = columns;
        foreach (var column in columns) _byPath[column.DottedPath] = column;
    }

    public GroupNode Root { get; }
    public IReadOnlyList<ColumnDescriptor> Columns { get; }

    /// <summary>The column at a dotted path such as <c>rs.list.element.Resource.ServiceName</c>.</summary>
    public ColumnDescriptor Column(string dottedPath) => _byPath.TryGetValue(dottedPath, out var column)
        ? column
        : throw new KeyNotFoundException($"the schema '{Root.Name}' has no column '{dottedPath}'");

    public bool TryGetColumn(string dottedPath, out ColumnDescriptor column) => _byPath.TryGetValue(dottedPath, out column!);

    private static void Collect(SchemaNode node, List<SchemaNode> path, List<ColumnDescriptor> columns)
    {
        path.Add(node);
        switch (node)
        {
            case PrimitiveNode:
                columns.Add(new ColumnDescriptor(columns.Count, path.ToArray()));
                break;
            case GroupNode group:
                foreach (var child in group.Children) Collect(child, path, columns);
                break;
        }
        path.RemoveAt(path.Count - 1);
    }
}
