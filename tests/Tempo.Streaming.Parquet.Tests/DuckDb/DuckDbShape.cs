using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>
/// Turns records (our <see cref="ParquetGroup"/>s, or the tests' <c>object?[]</c> record trees of the same shape) into
/// the JSON DuckDB's <c>read_parquet</c> gives through duckdb-query.mjs: a LIST group → array, a MAP group →
/// <c>[{"key", "value"}]</c>, a bare repeated field → array, any other group → object, BIGINT/UBIGINT → decimal
/// string, smaller integers → number (unsigned ones by their unsigned value), FLOAT/DOUBLE → number
/// (NaN/±Infinity → "NaN"/"Infinity"/"-Infinity"), STRING → string, other byte arrays → lowercase hex.
/// It also renders values the way DuckDB prints Parquet statistics and schema facts.
/// </summary>
internal static class DuckDbShape
{
    public static JsonObject Row(GroupNode root, object rowValue) => (JsonObject)GroupValue(root, Fields(rowValue))!;

    public static JsonNode? Field(SchemaNode node, object? value)
    {
        if (node.Repetition == Repetition.Repeated)
        {
            var items = value as List<object?>
                ?? throw new InvalidOperationException($"repeated field '{node.Name}' came back as {Describe(value)}, not a list");
            var array = new JsonArray();
            foreach (var item in items) array.Add(Value(node, item ?? throw new InvalidOperationException($"repeated field '{node.Name}' holds a null entry")));
            return array;
        }
        return value is null ? null : Value(node, value);
    }

    private static JsonNode? Value(SchemaNode node, object value)
    {
        if (node is not GroupNode group) return Primitive((PrimitiveNode)node, value);
        var fields = Fields(value);
        switch (group.LogicalType?.Kind)
        {
            case LogicalTypeKind.List when group.Children is [GroupNode { Repetition: Repetition.Repeated, Children.Count: 1 } entry]:
            {
                var array = new JsonArray();
                foreach (var item in Entries(group, fields[0])) array.Add(Field(entry.Children[0], Fields(Entry(group, item))[0]));
                return array;
            }
            case LogicalTypeKind.List when group.Children is [{ Repetition: Repetition.Repeated } element]:
            {
                var array = new JsonArray();
                foreach (var item in Entries(group, fields[0])) array.Add(Value(element, Entry(group, item)));
                return array;
            }
            case LogicalTypeKind.Map when group.Children is [GroupNode { Repetition: Repetition.Repeated, Children.Count: 2 } keyValue]:
            {
                var array = new JsonArray();
                foreach (var item in Entries(group, fields[0]))
                {
                    var entry = Fields(Entry(group, item));
                    array.Add(new JsonObject { ["key"] = Field(keyValue.Children[0], entry[0]), ["value"] = Field(keyValue.Children[1], entry[1]) });
                }
                return array;
            }
            default:
                return GroupValue(group, fields);
        }
    }

    private static JsonObject GroupValue(GroupNode group, object?[] fields)
    {
        if (fields.Length != group.Children.Count)
            throw new InvalidOperationException($"group '{group.Name}' has {group.Children.Count} children but the value {fields.Length} fields");
        var obj = new JsonObject();
        for (var i = 0; i < fields.Length; i++) obj[group.Children[i].Name] = Field(group.Children[i], fields[i]);
        return obj;
    }

    private static List<object?> Entries(GroupNode wrapper, object? repeated) => repeated as List<object?>
        ?? throw new InvalidOperationException($"the repeated child of '{wrapper.Name}' came back as {Describe(repeated)}, not a list");

    private static object Entry(GroupNode wrapper, object? item)
        => item ?? throw new InvalidOperationException($"the repeated child of '{wrapper.Name}' holds a null entry");

    private static object?[] Fields(object value) => value switch
    {
        ParquetGroup group => group.Fields,
        object?[] fields => fields,
        _ => throw new InvalidOperationException($"expected a group value, got {Describe(value)}"),
    };

    private static JsonNode? Primitive(PrimitiveNode node, object value)
    {
        var unsigned = node.LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false };
        return (node.Type, value) switch
        {
            (PhysicalType.Boolean, bool b) => JsonValue.Create(b),
            (PhysicalType.Int32, int i) => unsigned ? JsonValue.Create((long)(uint)i) : JsonValue.Create(i),
            (PhysicalType.Int64, long l) => JsonValue.Create(unsigned ? ((ulong)l).ToString(CultureInfo.InvariantCulture) : l.ToString(CultureInfo.InvariantCulture)),
            (PhysicalType.Float, float f) => Number(f),
            (PhysicalType.Double, double d) => Number(d),
            (PhysicalType.ByteArray, string s) => JsonValue.Create(s),
            (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray, byte[] bytes) when node.LogicalType?.Kind == LogicalTypeKind.String
                => JsonValue.Create(System.Text.Encoding.UTF8.GetString(bytes)),
            (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray, byte[] bytes) => JsonValue.Create(Convert.ToHexStringLower(bytes)),
            _ => throw new InvalidOperationException($"column '{node.Name}' ({node.Type}, {node.LogicalType?.Kind.ToString() ?? "no logical type"}) came back as {Describe(value)}"),
        };
    }

    private static JsonNode Number(double d) => double.IsFinite(d)
        ? JsonValue.Create(d)
        : JsonValue.Create(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");

    private static string Describe(object? value) => value is null ? "null" : $"{value.GetType().Name} ({value})";

    /// <summary>DuckDB's name of a physical type (parquet_schema.type, parquet_metadata.type).</summary>
    public static string TypeName(PhysicalType type) => type switch
    {
        PhysicalType.Boolean => "BOOLEAN",
        PhysicalType.Int32 => "INT32",
        PhysicalType.Int64 => "INT64",
        PhysicalType.Int96 => "INT96",
        PhysicalType.Float => "FLOAT",
        PhysicalType.Double => "DOUBLE",
        PhysicalType.ByteArray => "BYTE_ARRAY",
        PhysicalType.FixedLenByteArray => "FIXED_LEN_BYTE_ARRAY",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>parquet.thrift ConvertedType name for a logical type (what parquet_schema.converted_type shows).</summary>
    public static string? ConvertedTypeName(LogicalType? logical) => logical?.Kind switch
    {
        null => null,
        LogicalTypeKind.String => "UTF8",
        LogicalTypeKind.List => "LIST",
        LogicalTypeKind.Map => "MAP",
        LogicalTypeKind.Integer => (logical.IsSigned ? "INT_" : "UINT_") + logical.BitWidth.ToString(CultureInfo.InvariantCulture),
        var kind => throw new ArgumentOutOfRangeException(nameof(logical), kind, "not a logical type these tests write"),
    };

    /// <summary>The SQL type DuckDB maps a leaf to (parquet_schema.duckdb_type).</summary>
    public static string DuckDbType(PrimitiveNode node) => (node.Type, node.LogicalType) switch
    {
        (PhysicalType.Boolean, _) => "BOOLEAN",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 8, IsSigned: true }) => "TINYINT",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 16, IsSigned: true }) => "SMALLINT",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 32, IsSigned: true }) => "INTEGER",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 64, IsSigned: true }) => "BIGINT",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 8, IsSigned: false }) => "UTINYINT",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 16, IsSigned: false }) => "USMALLINT",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 32, IsSigned: false }) => "UINTEGER",
        (_, { Kind: LogicalTypeKind.Integer, BitWidth: 64, IsSigned: false }) => "UBIGINT",
        (PhysicalType.Int32, null) => "INTEGER",
        (PhysicalType.Int64, null) => "BIGINT",
        (PhysicalType.Float, null) => "FLOAT",
        (PhysicalType.Double, null) => "DOUBLE",
        (PhysicalType.ByteArray, { Kind: LogicalTypeKind.String }) => "VARCHAR",
        (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray, null) => "BLOB",
        _ => throw new ArgumentOutOfRangeException(nameof(node), $"{node.Name}: no DuckDB type mapping in the tests"),
    };

    /// <summary>A statistics value as DuckDB prints it in parquet_metadata.stats_min_value / stats_max_value
    /// (floating point values are compared numerically by the caller, so they are not rendered here).</summary>
    public static string StatValue(PrimitiveNode node, object value)
    {
        var unsigned = node.LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false };
        return value switch
        {
            bool b => b ? "true" : "false",
            int i => unsigned ? ((uint)i).ToString(CultureInfo.InvariantCulture) : i.ToString(CultureInfo.InvariantCulture),
            long l => unsigned ? ((ulong)l).ToString(CultureInfo.InvariantCulture) : l.ToString(CultureInfo.InvariantCulture),
            string s => s,
            byte[] bytes when node.LogicalType?.Kind == LogicalTypeKind.String => System.Text.Encoding.UTF8.GetString(bytes),
            byte[] bytes => BlobText(bytes),
            _ => throw new ArgumentException($"no DuckDB statistics rendering for {value.GetType().Name}"),
        };
    }

    /// <summary>DuckDB's BLOB → VARCHAR text as parquet_metadata prints statistics: printable ASCII as is; control bytes,
    /// quotes, backslash and bytes ≥ 0x7F as \xHH.</summary>
    public static string BlobText(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b <= 0x1F || b == (byte)'"' || b == (byte)'\'' || b == (byte)'\\' || b >= 0x7F) text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            else text.Append((char)b);
        }
        return text.ToString();
    }
}
