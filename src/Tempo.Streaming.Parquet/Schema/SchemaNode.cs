namespace Tempo.Streaming.Parquet;

/// <summary>A node of a Parquet schema tree: a group (struct, list, map) or a primitive leaf (a column).</summary>
public abstract class SchemaNode
{
    protected SchemaNode(string name, Repetition repetition, LogicalType? logicalType)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Repetition = repetition;
        LogicalType = logicalType;
    }

    public string Name { get; }
    public Repetition Repetition { get; }
    public LogicalType? LogicalType { get; }
}

/// <summary>A group node; the root of a schema is a group too (its repetition is ignored).</summary>
public sealed class GroupNode : SchemaNode
{
    public GroupNode(string name, Repetition repetition, IReadOnlyList<SchemaNode> children, LogicalType? logicalType = null)
        : base(name, repetition, logicalType)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Count == 0) throw new ArgumentException($"group '{name}' has no fields; Parquet groups need at least one", nameof(children));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in children)
        {
            if (!names.Add(child.Name)) throw new ArgumentException($"group '{name}' has two fields named '{child.Name}'", nameof(children));
        }
        Children = children;
    }

    public IReadOnlyList<SchemaNode> Children { get; }

    /// <summary>Index of the child with this name, or -1.</summary>
    public int IndexOf(string childName)
    {
        for (var i = 0; i < Children.Count; i++)
        {
            if (string.Equals(Children[i].Name, childName, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}

/// <summary>A primitive leaf: one column of the file.</summary>
public sealed class PrimitiveNode : SchemaNode
{
    public PrimitiveNode(string name, Repetition repetition, PhysicalType type, LogicalType? logicalType = null, int typeLength = 0)
        : base(name, repetition, logicalType)
    {
        if (type == PhysicalType.FixedLenByteArray && typeLength <= 0)
            throw new ArgumentException($"FIXED_LEN_BYTE_ARRAY column '{name}' needs a positive length", nameof(typeLength));
        Type = type;
        TypeLength = type == PhysicalType.Int96 ? 12 : typeLength;
    }

    public PhysicalType Type { get; }

    /// <summary>Byte length of FIXED_LEN_BYTE_ARRAY values (12 for INT96); 0 otherwise.</summary>
    public int TypeLength { get; }
}
