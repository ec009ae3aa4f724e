using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Tags;

/// <summary>A tag-names request (<c>/api/search/tags</c>, <c>/api/v2/search/tags</c>) after HTTP parsing.</summary>
/// <param name="Limit">Tempo's <c>limit</c>: at most this many names (per scope in v2; the intrinsic list is never cut); 0 = no limit.</param>
/// <param name="MaxStaleValues">Tempo's <c>maxStaleValues</c>: stop after this many consecutive known names; 0 = no limit.</param>
/// <param name="Query">Tempo's <c>q</c>: the query being typed, which narrows the answer (v2 only), see <see cref="TagFilterQuery"/>.</param>
public sealed record TagNamesRequest(string Tenant, TagScopeSelection Scope, QueryWindow Window, int Limit, int MaxStaleValues,
    string Query = "");

/// <summary>A tag-values request after HTTP parsing.</summary>
/// <param name="TagName">The tag as given: a plain v1 tag name, or (v2) a TraceQL identifier that already passed <see cref="TraceQLIdentifier.TryParse"/>.</param>
/// <param name="Limit">Tempo's <c>limit</c>; 0 = no limit.</param>
/// <param name="MaxStaleValues">Tempo's <c>maxStaleValues</c>; 0 = no limit.</param>
/// <param name="Query">Tempo's <c>q</c>: the query being typed, which narrows the answer (v2 only), see <see cref="TagFilterQuery"/>.</param>
public sealed record TagValuesRequest(string Tenant, string TagName, QueryWindow Window, int Limit, int MaxStaleValues,
    string Query = "");
