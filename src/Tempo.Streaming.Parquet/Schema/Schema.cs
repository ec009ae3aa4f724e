namespace Tempo.Streaming.Parquet;

/// <summary>Short builders for schema trees, with the list and map shapes the Parquet spec prescribes.</summary>
public static class Schema
{
    public static ParquetSchema Message(string name, params SchemaNode[] fields) => new(new GroupNode(name, Repetition.Required, fields));

    public static GroupNode Group(string name, Repetition repetition, params SchemaNode[] fields) => new(name, repetition, fields);

    public static PrimitiveNode Primitive(string name, Repetition repetition, PhysicalType type, LogicalType? logicalType = null, int typeLength = 0)
        => new(name, repetition, type, logicalType, typeLength);

    public static PrimitiveNode String(string name, Repetition repetition = Repetition.Required)
        => new(name, repetition, PhysicalType.ByteArray, LogicalType.String);

    /// <summary>The spec's three-level list: <c>&lt;repetition&gt; group name (LIST) { repeated group list { element } }</c>.
    /// The element node must be named <c>element</c>.</summary>
    public static GroupNode List(string name, Repetition repetition, SchemaNode element)
    {
        if (element.Name != "element") throw new ArgumentException($"list '{name}': the element node must be named 'element', not '{element.Name}'", nameof(element));
        return new GroupNode(name, repetition, [new GroupNode("list", Repetition.Repeated, [element])], LogicalType.List);
    }

    /// <summary>The spec's map: <c>&lt;repetition&gt; group name (MAP) { repeated group key_value { required key; value } }</c>.</summary>
    public static GroupNode Map(string name, Repetition repetition, SchemaNode key, SchemaNode value)
    {
        if (key.Name != "key" || key.Repetition != Repetition.Required) throw new ArgumentException($"map '{name}': the key must be a required node named 'key'", nameof(key));
        if (value.Name != "value") throw new ArgumentException($"map '{name}': the value node must be named 'value'", nameof(value));
        return new GroupNode(name, repetition, [new GroupNode("key_value", Repetition.Repeated, [key, value])], LogicalType.Map);
    }
}
