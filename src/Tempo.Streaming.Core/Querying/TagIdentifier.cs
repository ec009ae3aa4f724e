namespace Tempo.Streaming.Core.Querying;

/// <summary>How a <see cref="TagIdentifier"/> names its tag.</summary>
public enum TagIdentifierKind
{
    /// <summary>An attribute in one scope: <c>resource.service.name</c>, <c>span.http.method</c>, <c>event.x</c>, ...</summary>
    ScopedAttribute,

    /// <summary>An unscoped attribute (<c>.service.name</c>, or a v1 tag name): matched in the span and resource scopes.</summary>
    UnscopedAttribute,

    /// <summary>A built-in field; <see cref="TagIdentifier.Name"/> is its canonical name from <see cref="Intrinsics"/>.</summary>
    Intrinsic,
}

/// <summary>
/// A parsed TraceQL identifier as used by the tag-values APIs. Parsing (TraceQL syntax, quoting, the v1 tag names)
/// is the query layer's; stores only read the parsed form.
/// </summary>
/// <param name="Scope">The attribute scope for <see cref="TagIdentifierKind.ScopedAttribute"/>; <see cref="AttributeScope.Intrinsic"/> for intrinsics; ignored for unscoped attributes.</param>
public sealed record TagIdentifier(TagIdentifierKind Kind, AttributeScope Scope, string Name)
{
    public static TagIdentifier Attribute(AttributeScope scope, string name) => new(TagIdentifierKind.ScopedAttribute, scope, name);

    public static TagIdentifier Unscoped(string name) => new(TagIdentifierKind.UnscopedAttribute, AttributeScope.Span, name);

    public static TagIdentifier Intrinsic(string canonicalName) => new(TagIdentifierKind.Intrinsic, AttributeScope.Intrinsic, canonicalName);
}

/// <summary>
/// Canonical names of the intrinsics whose values stores index (TraceQL's unscoped spellings; the scoped spellings
/// such as <c>span:name</c> or <c>trace:rootService</c> are mapped onto these by the parser).
/// </summary>
public static class Intrinsics
{
    public const string Name = "name";
    public const string StatusMessage = "statusMessage";
    public const string RootName = "rootName";
    public const string RootServiceName = "rootServiceName";
    public const string EventName = "event:name";
    public const string InstrumentationName = "instrumentation:name";
    public const string InstrumentationVersion = "instrumentation:version";

    // Not indexed: their values are fixed keywords (status, kind) or continuous (durations), supplied by the query layer.
    public const string Status = "status";
    public const string Kind = "kind";
    public const string Duration = "duration";
    public const string TraceDuration = "traceDuration";
    public const string EventTimeSinceStart = "event:timeSinceStart";

    /// <summary>The intrinsics whose distinct values a store keeps.</summary>
    public static IReadOnlyList<string> Indexed { get; } =
        [Name, StatusMessage, RootName, RootServiceName, EventName, InstrumentationName, InstrumentationVersion];
}
