namespace Tempo.Streaming.Core.Querying;

/// <summary>
/// Where a tag lives, with TraceQL's scope names (<c>resource</c>, <c>span</c>, <c>event</c>, <c>link</c>,
/// <c>instrumentation</c>) plus <c>intrinsic</c> for the built-in fields (name, status, kind, ...).
/// The numeric values are stable: the live store writes them into its index keys.
/// </summary>
public enum AttributeScope : byte
{
    Resource = 1,
    Span = 2,
    Event = 3,
    Link = 4,
    Instrumentation = 5,
    Intrinsic = 6,
}

public static class AttributeScopes
{
    /// <summary>The attribute scopes that hold user attributes, in the order the v2 tags API lists them.</summary>
    public static IReadOnlyList<AttributeScope> WithAttributes { get; } =
        [AttributeScope.Resource, AttributeScope.Span, AttributeScope.Event, AttributeScope.Link, AttributeScope.Instrumentation];

    public static string Name(this AttributeScope scope) => scope switch
    {
        AttributeScope.Resource => "resource",
        AttributeScope.Span => "span",
        AttributeScope.Event => "event",
        AttributeScope.Link => "link",
        AttributeScope.Instrumentation => "instrumentation",
        AttributeScope.Intrinsic => "intrinsic",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "unknown attribute scope"),
    };
}
