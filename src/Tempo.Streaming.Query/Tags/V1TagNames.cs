using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// The v1 tag-values API takes plain tag names, not TraceQL. Tempo's blocks translate a few of them
/// (vParquet4 <c>translateTagToAttribute</c> and <c>nonTraceQLAttributes</c>); every other name is an unscoped attribute,
/// looked up in the span and resource scopes.
/// </summary>
public static class V1TagNames
{
    private static readonly Dictionary<string, TagIdentifier> Translations = new(StringComparer.Ordinal)
    {
        ["name"] = TagIdentifier.Intrinsic(Intrinsics.Name),
        ["status.code"] = TagIdentifier.Intrinsic(Intrinsics.Status),
        ["rootName"] = TagIdentifier.Intrinsic(Intrinsics.RootName),
        ["rootServiceName"] = TagIdentifier.Intrinsic(Intrinsics.RootServiceName),
        ["root.name"] = TagIdentifier.Intrinsic(Intrinsics.RootName),
        ["root.service.name"] = TagIdentifier.Intrinsic(Intrinsics.RootServiceName),
        // v1 lookups of these went to dedicated columns of one scope; Tempo keeps that behaviour.
        ["service.name"] = TagIdentifier.Attribute(AttributeScope.Resource, "service.name"),
        ["cluster"] = TagIdentifier.Attribute(AttributeScope.Resource, "cluster"),
        ["namespace"] = TagIdentifier.Attribute(AttributeScope.Resource, "namespace"),
        ["pod"] = TagIdentifier.Attribute(AttributeScope.Resource, "pod"),
        ["container"] = TagIdentifier.Attribute(AttributeScope.Resource, "container"),
        ["k8s.namespace.name"] = TagIdentifier.Attribute(AttributeScope.Resource, "k8s.namespace.name"),
        ["k8s.cluster.name"] = TagIdentifier.Attribute(AttributeScope.Resource, "k8s.cluster.name"),
        ["k8s.pod.name"] = TagIdentifier.Attribute(AttributeScope.Resource, "k8s.pod.name"),
        ["k8s.container.name"] = TagIdentifier.Attribute(AttributeScope.Resource, "k8s.container.name"),
        ["http.method"] = TagIdentifier.Attribute(AttributeScope.Span, "http.method"),
        ["http.url"] = TagIdentifier.Attribute(AttributeScope.Span, "http.url"),
        ["http.status_code"] = TagIdentifier.Attribute(AttributeScope.Span, "http.status_code"),
    };

    public static TagIdentifier Translate(string tagName)
    {
        ArgumentNullException.ThrowIfNull(tagName);
        return Translations.TryGetValue(tagName, out var identifier) ? identifier : TagIdentifier.Unscoped(tagName);
    }
}
