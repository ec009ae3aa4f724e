using System.Runtime.CompilerServices;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

public sealed class VParquet4SchemaTests
{
    /// <summary>
    /// The frozen schema is the dump of Tempo's own vParquet4 block (../shared/testdata, written by Tempo with
    /// parquet-go), so this golden test is also the equality check against Tempo's layout: every node's name, order,
    /// physical type, converted/logical annotation, repetition and child count.
    /// </summary>
    [Fact]
    public void Schema_matches_the_frozen_dump_of_Tempos_block()
    {
        var expected = File.ReadAllText(Path.Combine(SourceFolder(), "vparquet4-schema.golden.txt"));

        var actual = SchemaText.Render(VParquet4Schema.Instance);

        actual.Should().Be(expected);
    }

    [Fact]
    public void Schema_has_the_column_count_of_Tempos_block()
    {
        // 103 leaf columns, as parquet_metadata lists for Tempo's block.
        VParquet4Schema.Instance.Columns.Should().HaveCount(103);
        VParquet4Schema.Instance.Column("rs.list.element.ss.list.element.Spans.list.element.Attrs.list.element.Value.list.element")
            .MaxRepetitionLevel.Should().Be(5);
    }

    [Fact]
    public void Field_index_constants_name_the_schema_fields()
    {
        var root = VParquet4Schema.Instance.Root;
        Expect(root, TraceFields.TraceId, "TraceID");
        Expect(root, TraceFields.TraceIdText, "TraceIDText");
        Expect(root, TraceFields.StartTimeUnixNano, "StartTimeUnixNano");
        Expect(root, TraceFields.EndTimeUnixNano, "EndTimeUnixNano");
        Expect(root, TraceFields.DurationNano, "DurationNano");
        Expect(root, TraceFields.RootServiceName, "RootServiceName");
        Expect(root, TraceFields.RootSpanName, "RootSpanName");
        Expect(root, TraceFields.ServiceStats, "ServiceStats");
        Expect(root, TraceFields.ResourceSpans, "rs");

        var stats = Child(Child(Child(root, "ServiceStats"), "key_value"), "value");
        Expect(stats, ServiceStatsFields.SpanCount, "SpanCount");
        Expect(stats, ServiceStatsFields.ErrorCount, "ErrorCount");
        var keyValue = Child(Child(root, "ServiceStats"), "key_value");
        Expect(keyValue, WrapperFields.MapKey, "key");
        Expect(keyValue, WrapperFields.MapValue, "value");

        var resourceSpans = Element(root, "rs");
        Expect(resourceSpans, ResourceSpansFields.Resource, "Resource");
        Expect(resourceSpans, ResourceSpansFields.ScopeSpans, "ss");

        var resource = Child(resourceSpans, "Resource");
        Expect(resource, ResourceFields.Attrs, "Attrs");
        Expect(resource, ResourceFields.DroppedAttributesCount, "DroppedAttributesCount");
        Expect(resource, ResourceFields.ServiceName, "ServiceName");
        string[] optional = ["Cluster", "Namespace", "Pod", "Container", "K8sClusterName", "K8sNamespaceName", "K8sPodName", "K8sContainerName"];
        for (var i = 0; i < optional.Length; i++)
        {
            Expect(resource, ResourceFields.FirstWellKnownOptional + i, optional[i]);
        }
        Expect(resource, ResourceFields.DedicatedAttributes, "DedicatedAttributes");

        var scopeSpans = Element(resourceSpans, "ss");
        Expect(scopeSpans, ScopeSpansFields.Scope, "Scope");
        Expect(scopeSpans, ScopeSpansFields.Spans, "Spans");
        var scope = Child(scopeSpans, "Scope");
        Expect(scope, ScopeFields.Name, "Name");
        Expect(scope, ScopeFields.Version, "Version");
        Expect(scope, ScopeFields.Attrs, "Attrs");
        Expect(scope, ScopeFields.DroppedAttributesCount, "DroppedAttributesCount");

        var span = Element(scopeSpans, "Spans");
        Expect(span, SpanFields.SpanId, "SpanID");
        Expect(span, SpanFields.ParentSpanId, "ParentSpanID");
        Expect(span, SpanFields.ParentId, "ParentID");
        Expect(span, SpanFields.NestedSetLeft, "NestedSetLeft");
        Expect(span, SpanFields.NestedSetRight, "NestedSetRight");
        Expect(span, SpanFields.Name, "Name");
        Expect(span, SpanFields.Kind, "Kind");
        Expect(span, SpanFields.TraceState, "TraceState");
        Expect(span, SpanFields.StartTimeUnixNano, "StartTimeUnixNano");
        Expect(span, SpanFields.DurationNano, "DurationNano");
        Expect(span, SpanFields.StatusCode, "StatusCode");
        Expect(span, SpanFields.StatusMessage, "StatusMessage");
        Expect(span, SpanFields.Attrs, "Attrs");
        Expect(span, SpanFields.DroppedAttributesCount, "DroppedAttributesCount");
        Expect(span, SpanFields.Events, "Events");
        Expect(span, SpanFields.DroppedEventsCount, "DroppedEventsCount");
        Expect(span, SpanFields.Links, "Links");
        Expect(span, SpanFields.DroppedLinksCount, "DroppedLinksCount");
        Expect(span, SpanFields.HttpMethod, "HttpMethod");
        Expect(span, SpanFields.HttpUrl, "HttpUrl");
        Expect(span, SpanFields.HttpStatusCode, "HttpStatusCode");
        Expect(span, SpanFields.DedicatedAttributes, "DedicatedAttributes");

        var spanEvent = Element(span, "Events");
        Expect(spanEvent, EventFields.TimeSinceStartNano, "TimeSinceStartNano");
        Expect(spanEvent, EventFields.Name, "Name");
        Expect(spanEvent, EventFields.Attrs, "Attrs");
        Expect(spanEvent, EventFields.DroppedAttributesCount, "DroppedAttributesCount");

        var link = Element(span, "Links");
        Expect(link, LinkFields.TraceId, "TraceID");
        Expect(link, LinkFields.SpanId, "SpanID");
        Expect(link, LinkFields.TraceState, "TraceState");
        Expect(link, LinkFields.Attrs, "Attrs");
        Expect(link, LinkFields.DroppedAttributesCount, "DroppedAttributesCount");

        var attribute = Element(span, "Attrs");
        Expect(attribute, AttributeFields.Key, "Key");
        Expect(attribute, AttributeFields.ValueType, "ValueType");
        Expect(attribute, AttributeFields.Value, "Value");
        Expect(attribute, AttributeFields.ValueInt, "ValueInt");
        Expect(attribute, AttributeFields.ValueDouble, "ValueDouble");
        Expect(attribute, AttributeFields.ValueBool, "ValueBool");
        Expect(attribute, AttributeFields.ValueDropped, "ValueDropped");

        var dedicated = Child(span, "DedicatedAttributes");
        for (var i = 0; i < DedicatedColumnMapping.SpareStringColumns; i++)
        {
            Expect(dedicated, i, DedicatedColumnMapping.SpareColumnName(i));
        }
    }

    private static void Expect(GroupNode group, int index, string name) =>
        group.Children[index].Name.Should().Be(name, $"child {index} of '{group.Name}'");

    private static GroupNode Child(GroupNode group, string name) => (GroupNode)group.Children[group.IndexOf(name)];

    private static GroupNode Element(GroupNode group, string listName) =>
        (GroupNode)((GroupNode)Child(group, listName).Children[WrapperFields.Repeated]).Children[WrapperFields.Element];

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
