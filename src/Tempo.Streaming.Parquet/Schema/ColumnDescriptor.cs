namespace Tempo.Streaming.Parquet;

/// <summary>
/// One leaf column of a schema with the levels Dremel shredding gives it: the maximum definition level counts the
/// optional and repeated nodes on its path, the maximum repetition level the repeated ones.
/// </summary>
public sealed class ColumnDescriptor
{
    internal ColumnDescriptor(int index, IReadOnlyList<SchemaNode> pathNodes)
    {
        Index = index;
        PathNodes = pathNodes;
        Node = (PrimitiveNode)pathNodes[^1];
        var path = new string[pathNodes.Count];
        for (var i = 0; i < pathNodes.Count; i++)
        {
            path[i] = pathNodes[i].Name;
            if (pathNodes[i].Repetition != Repetition.Required) MaxDefinitionLevel++;
            if (pathNodes[i].Repetition == Repetition.Repeated) MaxRepetitionLevel++;
        }
        Path = path;
        DottedPath = string.Join('.', path);
    }

    /// <summary>Position of the column among the schema's leaves, in depth-first order (= column chunk order).</summary>
    public int Index { get; }

    /// <summary>Field names from below the root to the leaf, e.g. <c>rs, list, element, Resource, ServiceName</c>.</summary>
    public IReadOnlyList<string> Path { get; }

    /// <summary>The path joined with dots, e.g. <c>rs.list.element.Resource.ServiceName</c>.</summary>
    public string DottedPath { get; }

    /// <summary>The schema nodes from below the root to the leaf.</summary>
    public IReadOnlyList<SchemaNode> PathNodes { get; }

    public PrimitiveNode Node { get; }
    public PhysicalType Type => Node.Type;
    public int MaxDefinitionLevel { get; }
    public int MaxRepetitionLevel { get; }

    public override string ToString() => DottedPath;
}
