namespace Tempo.Streaming.Blocks.VParquet4;

// Child indexes of the groups of VParquet4Schema (RecordWriter.BeginField and ParquetGroup.Fields take them).
// Constants rather than name lookups because the row writer runs per span; a unit test checks each one against the
// schema by name, so a schema edit that moves a field fails the build's tests instead of shifting data.

/// <summary>Fields of the trace (the row).</summary>
internal static class TraceFields
{
    public const int TraceId = 0;
    public const int TraceIdText = 1;
    public const int StartTimeUnixNano = 2;
    public const int EndTimeUnixNano = 3;
    public const int DurationNano = 4;
    public const int RootServiceName = 5;
    public const int RootSpanName = 6;
    public const int ServiceStats = 7;
    public const int ResourceSpans = 8;
}

/// <summary>The spec's LIST and MAP wrappers: <c>list</c>/<c>key_value</c> is child 0, <c>element</c> child 0 of it.</summary>
internal static class WrapperFields
{
    public const int Repeated = 0;
    public const int Element = 0;
    public const int MapKey = 0;
    public const int MapValue = 1;
}

internal static class ServiceStatsFields
{
    public const int SpanCount = 0;
    public const int ErrorCount = 1;
}

internal static class ResourceSpansFields
{
    public const int Resource = 0;
    public const int ScopeSpans = 1;
}

internal static class ResourceFields
{
    public const int Attrs = 0;
    public const int DroppedAttributesCount = 1;
    public const int ServiceName = 2;
    /// <summary>Cluster, Namespace, Pod, Container, K8sClusterName, K8sNamespaceName, K8sPodName, K8sContainerName follow in order.</summary>
    public const int FirstWellKnownOptional = 3;
    public const int DedicatedAttributes = 11;
}

internal static class ScopeSpansFields
{
    public const int Scope = 0;
    public const int Spans = 1;
}

internal static class ScopeFields
{
    public const int Name = 0;
    public const int Version = 1;
    public const int Attrs = 2;
    public const int DroppedAttributesCount = 3;
}

internal static class SpanFields
{
    public const int SpanId = 0;
    public const int ParentSpanId = 1;
    public const int ParentId = 2;
    public const int NestedSetLeft = 3;
    public const int NestedSetRight = 4;
    public const int Name = 5;
    public const int Kind = 6;
    public const int TraceState = 7;
    public const int StartTimeUnixNano = 8;
    public const int DurationNano = 9;
    public const int StatusCode = 10;
    public const int StatusMessage = 11;
    public const int Attrs = 12;
    public const int DroppedAttributesCount = 13;
    public const int Events = 14;
    public const int DroppedEventsCount = 15;
    public const int Links = 16;
    public const int DroppedLinksCount = 17;
    public const int HttpMethod = 18;
    public const int HttpUrl = 19;
    public const int HttpStatusCode = 20;
    public const int DedicatedAttributes = 21;
}

internal static class EventFields
{
    public const int TimeSinceStartNano = 0;
    public const int Name = 1;
    public const int Attrs = 2;
    public const int DroppedAttributesCount = 3;
}

internal static class LinkFields
{
    public const int TraceId = 0;
    public const int SpanId = 1;
    public const int TraceState = 2;
    public const int Attrs = 3;
    public const int DroppedAttributesCount = 4;
}

internal static class AttributeFields
{
    public const int Key = 0;
    public const int ValueType = 1;
    public const int Value = 2;
    public const int ValueInt = 3;
    public const int ValueDouble = 4;
    public const int ValueBool = 5;
    public const int ValueDropped = 6;
}

/// <summary>
/// <c>Attribute.ValueType</c> of vParquet4 (Tempo's <c>AttrType</c>, an iota enum): 0 = not supported (the value is
/// in <c>ValueDropped</c> as protobuf JSON), then the four scalar types and the four homogeneous array types.
/// </summary>
public enum AttributeValueType
{
    NotSupported = 0,
    String = 1,
    Int = 2,
    Double = 3,
    Bool = 4,
    StringArray = 5,
    IntArray = 6,
    DoubleArray = 7,
    BoolArray = 8,
}

/// <summary>Attribute keys Tempo moves into their own columns (schema.go labels).</summary>
internal static class WellKnownKeys
{
    public const string ServiceName = "service.name";
    public const string HttpMethod = "http.method";
    public const string HttpUrl = "http.url";
    public const string HttpStatusCode = "http.status_code";

    /// <summary>Resource keys of the optional well-known columns, in schema order from <see cref="ResourceFields.FirstWellKnownOptional"/>.</summary>
    public static readonly string[] ResourceOptional =
    [
        "cluster", "namespace", "pod", "container",
        "k8s.cluster.name", "k8s.namespace.name", "k8s.pod.name", "k8s.container.name",
    ];

    /// <summary><see cref="ResourceOptional"/> as UTF-8, for keys read from encoded spans.</summary>
    public static readonly byte[][] ResourceOptionalUtf8 = Array.ConvertAll(ResourceOptional, System.Text.Encoding.UTF8.GetBytes);

    /// <summary>The index of UTF-8 <paramref name="key"/> in <see cref="ResourceOptional"/>, or -1.</summary>
    public static int ResourceOptionalIndex(ReadOnlySpan<byte> key)
    {
        var keys = ResourceOptionalUtf8;
        for (var i = 0; i < keys.Length; i++)
        {
            if (key.SequenceEqual(keys[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
