using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

public sealed class MappingPartsTests
{
    [Theory]
    [InlineData("000000000000000000474be8b43449fb", "474be8b43449fb")]
    [InlineData("0f0000000000000000000000000000ff", "f0000000000000000000000000000ff")]
    [InlineData("00000000000000000000000000000000", "")]
    public void Trace_id_text_is_lowercase_hex_without_leading_zeros(string hex, string expected)
    {
        Span<char> buffer = stackalloc char[32];
        TraceIdText.Format(Convert.FromHexString(hex), buffer).ToString().Should().Be(expected);
    }

    [Fact]
    public void Dedicated_columns_are_assigned_per_scope_in_meta_order()
    {
        // The dedicatedColumns of Tempo's test block: {"s":"resource","n":"ip"},{"n":"instance"},{"n":"version"},...
        DedicatedColumn[] columns =
        [
            new(DedicatedColumn.ScopeResource, "ip", DedicatedColumn.TypeString),
            new(DedicatedColumn.ScopeSpan, "instance", DedicatedColumn.TypeString),
            new(DedicatedColumn.ScopeSpan, "version", DedicatedColumn.TypeString),
            new(DedicatedColumn.ScopeSpan, "count", DedicatedColumn.TypeInt),
            new(DedicatedColumn.ScopeEvent, "exception.type", DedicatedColumn.TypeString),
            new(DedicatedColumn.ScopeSpan, "region", DedicatedColumn.TypeString),
        ];

        DedicatedColumnMapping.For(columns, DedicatedColumn.ScopeResource).Names.Should().Equal("ip");
        var span = DedicatedColumnMapping.For(columns, DedicatedColumn.ScopeSpan);
        span.Names.Should().Equal("instance", "version", "region");
        span.IndexOf("region").Should().Be(2);
        span.IndexOf("count").Should().Be(-1);
    }

    [Fact]
    public void Only_ten_dedicated_columns_per_scope_are_used()
    {
        var columns = Enumerable.Range(1, 12).Select(i => new DedicatedColumn(DedicatedColumn.ScopeSpan, $"a{i}", DedicatedColumn.TypeString)).ToArray();

        var mapping = DedicatedColumnMapping.For(columns, DedicatedColumn.ScopeSpan);

        mapping.Count.Should().Be(10);
        mapping.IndexOf("a11").Should().Be(-1);
        DedicatedColumnMapping.SpareColumnName(9).Should().Be("String10");
    }

    [Fact]
    public void Value_types_follow_Tempos_attr_types()
    {
        WireTypeOf(new AnyValue { StringValue = "" }).Should().Be(AttributeValueType.String);
        WireTypeOf(new AnyValue { IntValue = 1 }).Should().Be(AttributeValueType.Int);
        WireTypeOf(new AnyValue { DoubleValue = 1 }).Should().Be(AttributeValueType.Double);
        WireTypeOf(new AnyValue { BoolValue = false }).Should().Be(AttributeValueType.Bool);
        WireTypeOf(new AnyValue { ArrayValue = new ArrayValue() }).Should().Be(AttributeValueType.StringArray);
        WireTypeOf(Array(new AnyValue { IntValue = 1 }, new AnyValue { IntValue = 2 })).Should().Be(AttributeValueType.IntArray);
        WireTypeOf(Array(new AnyValue { DoubleValue = 1 })).Should().Be(AttributeValueType.DoubleArray);
        WireTypeOf(Array(new AnyValue { BoolValue = true })).Should().Be(AttributeValueType.BoolArray);
        WireTypeOf(Array(new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 1 })).Should().Be(AttributeValueType.NotSupported);
        WireTypeOf(Array(Array(new AnyValue { IntValue = 1 }))).Should().Be(AttributeValueType.NotSupported);
        WireTypeOf(new AnyValue { KvlistValue = new KeyValueList() }).Should().Be(AttributeValueType.NotSupported);
        WireTypeOf(new AnyValue { BytesValue = ByteString.CopyFromUtf8("x") }).Should().Be(AttributeValueType.NotSupported);
        WireTypeOf(new AnyValue()).Should().Be(AttributeValueType.NotSupported);
        WireTypeOf(null).Should().Be(AttributeValueType.NotSupported);
    }

    [Fact]
    public void Unsupported_values_are_stored_as_protobuf_json_like_jsonpb()
    {
        var kvlist = new AnyValue { KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "k", Value = new AnyValue { IntValue = 5 } } } } };

        WireUnsupportedJson(kvlist).Should().Be("""{ "kvlistValue": { "values": [ { "key": "k", "value": { "intValue": "5" } } ] } }""");
        WireUnsupportedJson(new AnyValue { BytesValue = ByteString.CopyFrom(1, 2) }).Should().Be("""{ "bytesValue": "AQI=" }""");
    }

    /// <summary>The type the row writer gives <paramref name="value"/>, read from an encoded KeyValue (null: no value field).</summary>
    private static AttributeValueType WireTypeOf(AnyValue? value) => ReadBack(value, out _).Items[0].Type;

    private static string WireUnsupportedJson(AnyValue value)
    {
        var list = ReadBack(value, out var bytes);
        return list.Items[0].UnsupportedJson(bytes);
    }

    private static WireAttributeList ReadBack(AnyValue? value, out byte[] bytes)
    {
        var attribute = new KeyValue { Key = "k" };
        if (value is not null)
        {
            attribute.Value = value;
        }
        bytes = attribute.ToByteArray();
        var list = new WireAttributeList();
        list.Add(bytes, 0, bytes.Length);
        return list;
    }

    private static AnyValue Array(params AnyValue[] values)
    {
        var array = new ArrayValue();
        array.Values.Add(values);
        return new AnyValue { ArrayValue = array };
    }
}
