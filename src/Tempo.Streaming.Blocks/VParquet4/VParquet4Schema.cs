using Tempo.Streaming.Parquet;
using static Tempo.Streaming.Parquet.Schema;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// The Parquet schema of a vParquet4 block, node for node as Tempo writes it: one row per trace, resource spans →
/// scope spans → spans → events/links, generic attributes as
/// <c>{Key, ValueType, Value[], ValueInt[], ValueDouble[], ValueBool[], ValueDropped}</c>, the well-known and the
/// ten spare dedicated string columns per scope. The reference is the block Tempo wrote
/// (<c>../shared/testdata/tempo-blocks/vparquet4</c>, parquet-go 0.20): names, order, physical types, repetition and
/// logical types must match it exactly so Tempo's readers (and ours on Tempo's blocks) resolve every column path.
/// </summary>
public static class VParquet4Schema
{
    /// <summary>The <c>format</c> value of meta.json for blocks with this schema.</summary>
    public const string FormatName = "vParquet4";

    /// <summary>The schema (immutable, shared).</summary>
    public static ParquetSchema Instance { get; } = Build();

    private static ParquetSchema Build() => Message("Trace",
        Primitive("TraceID", Repetition.Required, PhysicalType.ByteArray),
        String("TraceIDText"),
        UInt64("StartTimeUnixNano"),
        UInt64("EndTimeUnixNano"),
        UInt64("DurationNano"),
        String("RootServiceName"),
        String("RootSpanName"),
        Map("ServiceStats", Repetition.Required,
            String("key"),
            Group("value", Repetition.Required, UInt32("SpanCount"), UInt32("ErrorCount"))),
        List("rs", Repetition.Required, Group("element", Repetition.Required,
            Group("Resource", Repetition.Required,
                Attributes(),
                Int32("DroppedAttributesCount"),
                String("ServiceName"),
                String("Cluster", Repetition.Optional),
                String("Namespace", Repetition.Optional),
                String("Pod", Repetition.Optional),
                String("Container", Repetition.Optional),
                String("K8sClusterName", Repetition.Optional),
                String("K8sNamespaceName", Repetition.Optional),
                String("K8sPodName", Repetition.Optional),
                String("K8sContainerName", Repetition.Optional),
                DedicatedAttributes()),
            List("ss", Repetition.Required, Group("element", Repetition.Required,
                Group("Scope", Repetition.Required,
                    String("Name"),
                    String("Version"),
                    Attributes(),
                    Int32("DroppedAttributesCount")),
                List("Spans", Repetition.Required, Group("element", Repetition.Required,
                    Bytes("SpanID"),
                    Bytes("ParentSpanID"),
                    Int32("ParentID"),
                    Int32("NestedSetLeft"),
                    Int32("NestedSetRight"),
                    String("Name"),
                    Int64("Kind"),
                    String("TraceState"),
                    UInt64("StartTimeUnixNano"),
                    UInt64("DurationNano"),
                    Int64("StatusCode"),
                    String("StatusMessage"),
                    Attributes(),
                    Int32("DroppedAttributesCount"),
                    List("Events", Repetition.Required, Group("element", Repetition.Required,
                        UInt64("TimeSinceStartNano"),
                        String("Name"),
                        Attributes(),
                        Int32("DroppedAttributesCount"))),
                    Int32("DroppedEventsCount"),
                    List("Links", Repetition.Required, Group("element", Repetition.Required,
                        Bytes("TraceID"),
                        Bytes("SpanID"),
                        String("TraceState"),
                        Attributes(),
                        Int32("DroppedAttributesCount"))),
                    Int32("DroppedLinksCount"),
                    String("HttpMethod", Repetition.Optional),
                    String("HttpUrl", Repetition.Optional),
                    Int64("HttpStatusCode", Repetition.Optional),
                    DedicatedAttributes())))))));

    /// <summary>Generic attributes: a required list of <c>{Key, ValueType, Value[], ValueInt[], ValueDouble[], ValueBool[], ValueDropped}</c>.</summary>
    private static GroupNode Attributes() => List("Attrs", Repetition.Required, Group("element", Repetition.Required,
        String("Key"),
        Int32("ValueType"),
        List("Value", Repetition.Required, String("element")),
        List("ValueInt", Repetition.Required, Int64("element")),
        List("ValueDouble", Repetition.Required, Primitive("element", Repetition.Required, PhysicalType.Double)),
        List("ValueBool", Repetition.Required, Primitive("element", Repetition.Required, PhysicalType.Boolean)),
        String("ValueDropped", Repetition.Optional)));

    /// <summary>The spare columns String01..String10 that meta.json's dedicatedColumns assign to attribute names.</summary>
    private static GroupNode DedicatedAttributes()
    {
        var columns = new SchemaNode[DedicatedColumnMapping.SpareStringColumns];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = String(DedicatedColumnMapping.SpareColumnName(i), Repetition.Optional);
        }
        return Group("DedicatedAttributes", Repetition.Required, columns);
    }

    private static PrimitiveNode Bytes(string name) => Primitive(name, Repetition.Required, PhysicalType.ByteArray);

    private static PrimitiveNode UInt64(string name) =>
        Primitive(name, Repetition.Required, PhysicalType.Int64, LogicalType.Integer(64, isSigned: false));

    private static PrimitiveNode UInt32(string name) =>
        Primitive(name, Repetition.Required, PhysicalType.Int32, LogicalType.Integer(32, isSigned: false));

    private static PrimitiveNode Int64(string name, Repetition repetition = Repetition.Required) =>
        Primitive(name, repetition, PhysicalType.Int64, LogicalType.Integer(64, isSigned: true));

    private static PrimitiveNode Int32(string name) =>
        Primitive(name, Repetition.Required, PhysicalType.Int32, LogicalType.Integer(32, isSigned: true));
}
