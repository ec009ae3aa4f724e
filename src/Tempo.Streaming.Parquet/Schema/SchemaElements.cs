using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Converts between the schema tree and the footer's flattened list of <see cref="SchemaElement"/>s (depth-first, the
/// root first, groups announcing their child count). The writer puts both the logical type and the legacy converted
/// type on each node so readers that know only one of them (DuckDB, older parquet-mr, Tempo's parquet-go) agree.
/// </summary>
internal static class SchemaElements
{
    public static List<SchemaElement> Flatten(ParquetSchema schema)
    {
        var elements = new List<SchemaElement>();
        elements.Add(new SchemaElement { Name = schema.Root.Name, NumChildren = schema.Root.Children.Count });
        foreach (var child in schema.Root.Children) Flatten(child, elements);
        return elements;
    }

    private static void Flatten(SchemaNode node, List<SchemaElement> elements)
    {
        var element = new SchemaElement
        {
            Name = node.Name,
            RepetitionType = node.Repetition,
            LogicalType = node.LogicalType,
            ConvertedType = node.LogicalType is null ? null : ToConvertedType(node.LogicalType),
        };
        elements.Add(element);
        if (node is GroupNode group)
        {
            element.NumChildren = group.Children.Count;
            foreach (var child in group.Children) Flatten(child, elements);
        }
        else
        {
            var primitive = (PrimitiveNode)node;
            element.Type = primitive.Type;
            if (primitive.Type == PhysicalType.FixedLenByteArray) element.TypeLength = primitive.TypeLength;
        }
    }

    private static ConvertedType? ToConvertedType(LogicalType logicalType) => logicalType.Kind switch
    {
        LogicalTypeKind.String => ConvertedType.Utf8,
        LogicalTypeKind.Map => ConvertedType.Map,
        LogicalTypeKind.List => ConvertedType.List,
        LogicalTypeKind.Enum => ConvertedType.Enum,
        LogicalTypeKind.Date => ConvertedType.Date,
        LogicalTypeKind.Json => ConvertedType.Json,
        LogicalTypeKind.Bson => ConvertedType.Bson,
        LogicalTypeKind.Integer => (logicalType.BitWidth, logicalType.IsSigned) switch
        {
            (8, true) => ConvertedType.Int8,
            (16, true) => ConvertedType.Int16,
            (32, true) => ConvertedType.Int32,
            (64, true) => ConvertedType.Int64,
            (8, false) => ConvertedType.Uint8,
            (16, false) => ConvertedType.Uint16,
            (32, false) => ConvertedType.Uint32,
            _ => ConvertedType.Uint64,
        },
        _ => null,
    };

    /// <summary>Rebuilds the tree from a footer's elements; malformed lists are a <see cref="ParquetFormatException"/>.</summary>
    public static ParquetSchema Build(IReadOnlyList<SchemaElement> elements)
    {
        if (elements.Count == 0) throw new ParquetFormatException("footer: the schema has no elements");
        var root = elements[0];
        if (root.NumChildren is not > 0) throw new ParquetFormatException($"footer: the schema root '{root.Name}' has no children");
        var position = 1;
        var children = ReadChildren(elements, ref position, root.NumChildren.Value, root.Name, depth: 1);
        if (position != elements.Count)
            throw new ParquetFormatException($"footer: the schema lists {elements.Count} elements but its tree uses {position}");
        try
        {
            return new ParquetSchema(new GroupNode(root.Name.Length == 0 ? "schema" : root.Name, Repetition.Required, children));
        }
        catch (ArgumentException e)
        {
            throw new ParquetFormatException($"footer: invalid schema: {e.Message}", e);
        }
    }

    private static SchemaNode[] ReadChildren(IReadOnlyList<SchemaElement> elements, ref int position, int count, string parent, int depth)
    {
        if (depth > 64) throw new ParquetFormatException($"footer: the schema nests deeper than 64 levels below '{parent}'");
        if (count > elements.Count - position)
            throw new ParquetFormatException($"footer: schema group '{parent}' announces {count} children but only {elements.Count - position} elements follow");
        var children = new SchemaNode[count];
        for (var i = 0; i < count; i++)
        {
            var element = elements[position++];
            var repetition = element.RepetitionType
                ?? throw new ParquetFormatException($"footer: schema element '{element.Name}' under '{parent}' has no repetition type");
            var logicalType = element.LogicalType ?? FromConvertedType(element.ConvertedType);
            try
            {
                if (element.NumChildren is > 0)
                {
                    var grandChildren = ReadChildren(elements, ref position, element.NumChildren.Value, element.Name, depth + 1);
                    children[i] = new GroupNode(element.Name, repetition, grandChildren, logicalType);
                }
                else
                {
                    var type = element.Type
                        ?? throw new ParquetFormatException($"footer: schema element '{element.Name}' under '{parent}' is neither a group nor typed");
                    if (!Enum.IsDefined(type)) throw new ParquetFormatException($"footer: schema element '{element.Name}' has unknown physical type {(int)type}");
                    children[i] = new PrimitiveNode(element.Name, repetition, type, logicalType, element.TypeLength ?? 0);
                }
            }
            catch (ArgumentException e)
            {
                throw new ParquetFormatException($"footer: invalid schema element '{element.Name}' under '{parent}': {e.Message}", e);
            }
        }
        return children;
    }

    /// <summary>The logical type a legacy converted type stands for (LogicalTypes.md "Backward compatibility").</summary>
    private static LogicalType? FromConvertedType(ConvertedType? converted) => converted switch
    {
        null => null,
        ConvertedType.Utf8 => LogicalType.String,
        ConvertedType.Map or ConvertedType.MapKeyValue => LogicalType.Map,
        ConvertedType.List => LogicalType.List,
        ConvertedType.Enum => new LogicalType(LogicalTypeKind.Enum),
        ConvertedType.Decimal => new LogicalType(LogicalTypeKind.Decimal),
        ConvertedType.Date => new LogicalType(LogicalTypeKind.Date),
        ConvertedType.TimeMillis or ConvertedType.TimeMicros => new LogicalType(LogicalTypeKind.Time),
        ConvertedType.TimestampMillis or ConvertedType.TimestampMicros => new LogicalType(LogicalTypeKind.Timestamp),
        ConvertedType.Uint8 => LogicalType.Integer(8, false),
        ConvertedType.Uint16 => LogicalType.Integer(16, false),
        ConvertedType.Uint32 => LogicalType.Integer(32, false),
        ConvertedType.Uint64 => LogicalType.Integer(64, false),
        ConvertedType.Int8 => LogicalType.Integer(8, true),
        ConvertedType.Int16 => LogicalType.Integer(16, true),
        ConvertedType.Int32 => LogicalType.Integer(32, true),
        ConvertedType.Int64 => LogicalType.Integer(64, true),
        ConvertedType.Json => new LogicalType(LogicalTypeKind.Json),
        ConvertedType.Bson => new LogicalType(LogicalTypeKind.Bson),
        _ => null,
    };
}
