using System.Globalization;
using System.Text.Json.Nodes;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>Compares a schema tree with DuckDB's <c>parquet_schema(file)</c> rows (schema elements in depth-first order, root first).</summary>
internal static class DuckDbSchemaAssert
{
    public const string SchemaSql = "SELECT name, type, type_length, repetition_type, num_children, converted_type, logical_type, duckdb_type FROM parquet_schema({0})";

    /// <param name="schema">Ours: the schema we wrote, or the one our reader decoded.</param>
    /// <param name="duckDbRows">Rows of <see cref="SchemaSql"/>.</param>
    /// <param name="logicalTypesInFile">True when the file carries LogicalType annotations (ours, parquet-go's); DuckDB's
    /// own writer stores only the legacy ConvertedType, so for its files only that is compared.</param>
    public static void Matches(ParquetSchema schema, JsonArray duckDbRows, bool logicalTypesInFile)
    {
        var nodes = new List<SchemaNode>();
        Preorder(schema.Root, nodes);
        duckDbRows.Select(r => (string?)r!["name"]).Should().Equal(nodes.Select(n => n.Name), "DuckDB must see the same schema elements in the same order");

        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var row = duckDbRows[i]!.AsObject();
            var at = $"schema element {i} '{node.Name}'";
            if (i > 0) ((string?)row["repetition_type"]).Should().Be(node.Repetition.ToString().ToUpperInvariant(), at);

            if (node is GroupNode group)
            {
                ((string?)row["type"]).Should().BeNull($"{at} is a group");
                ((string?)row["num_children"]).Should().Be(group.Children.Count.ToString(CultureInfo.InvariantCulture), at);
            }
            else
            {
                var leaf = (PrimitiveNode)node;
                ((string?)row["type"]).Should().Be(DuckDbShape.TypeName(leaf.Type), at);
                ((string?)row["duckdb_type"]).Should().Be(DuckDbShape.DuckDbType(leaf), $"{at}: DuckDB must map the leaf to the SQL type its annotations mean");
                if (leaf.Type == PhysicalType.FixedLenByteArray)
                    ((string?)row["type_length"]).Should().Be(leaf.TypeLength.ToString(CultureInfo.InvariantCulture), at);
            }
            if (i == 0) continue;

            var converted = (string?)row["converted_type"];
            var expectedConverted = DuckDbShape.ConvertedTypeName(node.LogicalType);
            if (expectedConverted is null && converted == "MAP_KEY_VALUE")
            {
                // parquet.thrift: MAP_KEY_VALUE on the repeated key_value group is optional and carries no meaning
            }
            else
            {
                converted.Should().Be(expectedConverted, $"{at}: converted type");
            }

            var logical = (string?)row["logical_type"];
            if (!logicalTypesInFile && logical is null) continue;
            switch (node.LogicalType?.Kind)
            {
                case null: logical.Should().BeNull($"{at} has no logical type"); break;
                case LogicalTypeKind.String: logical.Should().Be("StringType()", at); break;
                case LogicalTypeKind.List: logical.Should().Be("ListType()", at); break;
                case LogicalTypeKind.Map: logical.Should().Be("MapType()", at); break;
                case LogicalTypeKind.Integer:
                    // DuckDB prints the i8 bit width as a raw character, so only the signedness is legible
                    logical.Should().StartWith("IntType(bitWidth=", at).And.EndWith($"isSigned={(node.LogicalType.IsSigned ? 1 : 0)})", at);
                    break;
                default: throw new InvalidOperationException($"{at}: logical type {node.LogicalType.Kind} not covered by the tests");
            }
        }
    }

    private static void Preorder(SchemaNode node, List<SchemaNode> nodes)
    {
        nodes.Add(node);
        if (node is GroupNode group)
        {
            foreach (var child in group.Children) Preorder(child, nodes);
        }
    }
}
