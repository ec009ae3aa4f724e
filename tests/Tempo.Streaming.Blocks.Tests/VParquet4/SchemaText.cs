using System.Text;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

/// <summary>
/// Renders a schema one node per line, depth first: <c>name physical converted logical repetition children</c> —
/// the shape of the schema dump taken from Tempo's block with pyarrow (its ConvertedType names, <c>None</c> for
/// absent parts), so our schema can be compared with Tempo's line by line.
/// </summary>
internal static class SchemaText
{
    public static string Render(ParquetSchema schema)
    {
        var text = new StringBuilder();
        text.Append(schema.Root.Name).Append(" None None None None ").Append(schema.Root.Children.Count).Append('\n');
        foreach (var child in schema.Root.Children)
        {
            Render(child, text);
        }
        return text.ToString();
    }

    private static void Render(SchemaNode node, StringBuilder text)
    {
        var physical = node is PrimitiveNode primitive ? PhysicalName(primitive.Type) : "None";
        var (converted, logical) = Annotations(node.LogicalType);
        var repetition = node.Repetition.ToString().ToUpperInvariant();
        var children = node is GroupNode group ? group.Children.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None";
        text.Append(node.Name).Append(' ').Append(physical).Append(' ').Append(converted).Append(' ').Append(logical)
            .Append(' ').Append(repetition).Append(' ').Append(children).Append('\n');
        if (node is GroupNode g)
        {
            foreach (var child in g.Children)
            {
                Render(child, text);
            }
        }
    }

    private static string PhysicalName(PhysicalType type) => type switch
    {
        PhysicalType.Boolean => "BOOLEAN",
        PhysicalType.Int32 => "INT32",
        PhysicalType.Int64 => "INT64",
        PhysicalType.Int96 => "INT96",
        PhysicalType.Float => "FLOAT",
        PhysicalType.Double => "DOUBLE",
        PhysicalType.ByteArray => "BYTE_ARRAY",
        _ => "FIXED_LEN_BYTE_ARRAY",
    };

    private static (string Converted, string Logical) Annotations(LogicalType? type)
    {
        if (type is null)
        {
            return ("None", "None");
        }
        return type.Kind switch
        {
            LogicalTypeKind.String => ("UTF8", "StringType()"),
            LogicalTypeKind.List => ("LIST", "ListType()"),
            LogicalTypeKind.Map => ("MAP", "MapType()"),
            LogicalTypeKind.Integer => (
                $"{(type.IsSigned ? "INT" : "UINT")}_{type.BitWidth}",
                $"IntType(bitWidth={type.BitWidth}, isSigned={(type.IsSigned ? 1 : 0)})"),
            _ => (type.Kind.ToString().ToUpperInvariant(), type.Kind + "Type()"),
        };
    }
}
