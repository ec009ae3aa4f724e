using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Tags;

/// <summary>What the <c>scope</c> parameter of the tag-name APIs selects.</summary>
public enum TagScopeKind
{
    /// <summary>No scope, <c>""</c> or <c>none</c> (TraceQL's <c>AttributeScopeNone</c>): every attribute scope.</summary>
    All,

    /// <summary><c>intrinsic</c>: the built-in fields only.</summary>
    Intrinsic,

    /// <summary>One attribute scope: <c>resource</c>, <c>span</c>, <c>event</c>, <c>link</c> or <c>instrumentation</c>.</summary>
    Attribute,
}

/// <summary>A parsed <c>scope</c> parameter.</summary>
/// <param name="Scope">The attribute scope when <see cref="Kind"/> is <see cref="TagScopeKind.Attribute"/>.</param>
public readonly record struct TagScopeSelection(TagScopeKind Kind, AttributeScope Scope)
{
    public static TagScopeSelection All { get; } = new(TagScopeKind.All, AttributeScope.Span);

    public static TagScopeSelection Intrinsic { get; } = new(TagScopeKind.Intrinsic, AttributeScope.Intrinsic);

    public static TagScopeSelection Of(AttributeScope scope) => new(TagScopeKind.Attribute, scope);

    /// <summary>
    /// Tempo's <c>api.ParseSearchTagsRequest</c>: <c>traceql.AttributeScopeFromString</c> accepts <c>span</c>, <c>resource</c>,
    /// <c>event</c>, <c>link</c>, <c>instrumentation</c>, <c>""</c> and <c>none</c> (case-sensitive), and <c>intrinsic</c> is allowed
    /// on top; anything else is <c>invalid scope: x</c>.
    /// </summary>
    /// <returns><c>null</c> on success, else the 400 message.</returns>
    public static string? TryParse(string text, out TagScopeSelection selection)
    {
        ArgumentNullException.ThrowIfNull(text);
        selection = text switch
        {
            "" or "none" => All,
            "intrinsic" => Intrinsic,
            "resource" => Of(AttributeScope.Resource),
            "span" => Of(AttributeScope.Span),
            "event" => Of(AttributeScope.Event),
            "link" => Of(AttributeScope.Link),
            "instrumentation" => Of(AttributeScope.Instrumentation),
            _ => default,
        };
        return selection == default ? $"invalid scope: {text}" : null;
    }

    /// <summary>The attribute scopes a store is asked for (none for <see cref="TagScopeKind.Intrinsic"/>).</summary>
    public IReadOnlyList<AttributeScope> AttributeScopesToQuery() => Kind switch
    {
        TagScopeKind.All => AttributeScopes.WithAttributes,
        TagScopeKind.Attribute => [Scope],
        _ => [],
    };
}
