namespace Tempo.Streaming.Parquet;

/// <summary>
/// A schema node with the Dremel levels it stands for: its definition level (optional and repeated nodes from the
/// root down to and including it) and repetition level (repeated ones), and the range of leaf columns below it
/// (leaves are numbered depth-first, so a subtree's leaves are contiguous). Shredding writes nulls for a missing
/// field over that range; assembly walks a column's path through these nodes.
/// </summary>
internal sealed class LevelNode
{
    private LevelNode(SchemaNode node, LevelNode? parent, int childIndex, int definitionLevel, int repetitionLevel, string path)
    {
        Node = node;
        Parent = parent;
        ChildIndex = childIndex;
        DefinitionLevel = definitionLevel;
        RepetitionLevel = repetitionLevel;
        Path = path;
        IsRepeated = parent is not null && node.Repetition == Repetition.Repeated;
        IsRequired = parent is null || node.Repetition == Repetition.Required;
        IsString = node.LogicalType?.Kind == LogicalTypeKind.String;
    }

    public SchemaNode Node { get; }
    public LevelNode? Parent { get; }

    /// <summary>Position among the parent group's children (-1 for the root).</summary>
    public int ChildIndex { get; }

    public int DefinitionLevel { get; }
    public int RepetitionLevel { get; }
    public string Path { get; }
    public bool IsRepeated { get; }
    public bool IsRequired { get; }
    public bool IsString { get; }
    public LevelNode[] Children { get; private set; } = [];
    public int FirstColumn { get; private set; }
    public int ColumnCount { get; private set; }
    public bool IsLeaf => Node is PrimitiveNode;

    /// <summary>One bit per child, 64 children per word (the record writer's "which fields were written" masks).</summary>
    public ulong[] ChildMaskWords { get; private set; } = [0];

    /// <summary>The bits of <see cref="ChildMaskWords"/> that stand for required children.</summary>
    public ulong[] RequiredMaskWords { get; private set; } = [0];

    /// <summary>True when a group value without fields would leave a required child missing.</summary>
    public bool HasRequiredChild => FirstRequiredChild is not null;

    public LevelNode? FirstRequiredChild { get; private set; }

    /// <summary>
    /// The leaf this node leads to when it is one (itself) or a chain of groups with one child each ending in one —
    /// a 3-level LIST of a primitive is such a chain — else null. A field like that holding one value gets exactly
    /// one entry in one column, which the record writer writes in one step.
    /// </summary>
    public LevelNode? SingleLeaf { get; private set; }

    /// <summary>Builds the level tree of a schema; the returned root stands for the message (levels 0).</summary>
    public static LevelNode Build(ParquetSchema schema)
    {
        var next = 0;
        return Build(schema.Root, null, -1, 0, 0, "", ref next);
    }

    private static LevelNode Build(SchemaNode node, LevelNode? parent, int childIndex, int definitionLevel, int repetitionLevel, string path, ref int nextColumn)
    {
        var level = new LevelNode(node, parent, childIndex, definitionLevel, repetitionLevel, path);
        level.FirstColumn = nextColumn;
        if (node is GroupNode group)
        {
            var children = new LevelNode[group.Children.Count];
            for (var i = 0; i < children.Length; i++)
            {
                var child = group.Children[i];
                children[i] = Build(
                    child,
                    level,
                    i,
                    definitionLevel + (child.Repetition == Repetition.Required ? 0 : 1),
                    repetitionLevel + (child.Repetition == Repetition.Repeated ? 1 : 0),
                    path.Length == 0 ? child.Name : path + "." + child.Name,
                    ref nextColumn);
            }
            level.Children = children;
            var words = Math.Max(1, (children.Length + 63) >> 6);
            level.ChildMaskWords = new ulong[words];
            level.RequiredMaskWords = new ulong[words];
            for (var i = 0; i < children.Length; i++)
            {
                level.ChildMaskWords[i >> 6] |= 1UL << i;
                if (!children[i].IsRequired) continue;
                level.RequiredMaskWords[i >> 6] |= 1UL << i;
                level.FirstRequiredChild ??= children[i];
            }
        }
        else
        {
            nextColumn++;
        }
        level.ColumnCount = nextColumn - level.FirstColumn;
        level.SingleLeaf = node is PrimitiveNode ? level : level.Children.Length == 1 ? level.Children[0].SingleLeaf : null;
        return level;
    }

    /// <summary>The nodes from below the root down to column <paramref name="columnIndex"/>'s leaf.</summary>
    public LevelNode[] PathTo(int columnIndex)
    {
        var path = new List<LevelNode>();
        var node = this;
        while (!node.IsLeaf)
        {
            LevelNode? next = null;
            foreach (var child in node.Children)
            {
                if (columnIndex >= child.FirstColumn && columnIndex < child.FirstColumn + child.ColumnCount)
                {
                    next = child;
                    break;
                }
            }
            node = next ?? throw new ArgumentOutOfRangeException(nameof(columnIndex), columnIndex, "no such column");
            path.Add(node);
        }
        return path.ToArray();
    }

    public override string ToString() => Path;
}
