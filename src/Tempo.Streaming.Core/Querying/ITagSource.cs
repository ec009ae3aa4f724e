namespace Tempo.Streaming.Core.Querying;

/// <summary>
/// Tag discovery over one store: the distinct attribute names per scope, and the distinct values of one tag.
/// Intrinsic names and the fixed <c>status</c>/<c>kind</c> keyword values are added by the query layer; a source
/// reports what it actually holds.
/// </summary>
public interface ITagSource
{
    ValueTask<TagNamesResult> GetTagNamesAsync(TagNamesQuery query, CancellationToken cancellationToken);

    ValueTask<TagValuesResult> GetTagValuesAsync(TagValuesQuery query, CancellationToken cancellationToken);
}

/// <param name="Scopes">The attribute scopes to list (a subset of <see cref="AttributeScopes.WithAttributes"/>).</param>
/// <param name="LimitPerScope">Stop a scope after this many names; 0 = no limit.</param>
/// <param name="MaxStaleValues">Stop after this many consecutive already-known names; 0 = no limit.</param>
public sealed record TagNamesQuery(string Tenant, IReadOnlyList<AttributeScope> Scopes, QueryWindow Window,
    int LimitPerScope, int MaxStaleValues);

/// <summary>Distinct names per scope, each list sorted ordinally (Go's <c>sort.Strings</c>).</summary>
public sealed record TagNamesResult(IReadOnlyDictionary<AttributeScope, IReadOnlyList<string>> Scopes, long InspectedBytes);

/// <param name="Tag">Which tag: a scoped or unscoped attribute, or an intrinsic.</param>
/// <param name="Limit">Stop after this many distinct values; 0 = no limit.</param>
/// <param name="MaxStaleValues">Stop after this many consecutive already-known values; 0 = no limit.</param>
public sealed record TagValuesQuery(string Tenant, TagIdentifier Tag, QueryWindow Window, int Limit, int MaxStaleValues);

/// <summary>Distinct typed values, sorted by type then ordinal value.</summary>
public sealed record TagValuesResult(IReadOnlyList<TypedTagValue> Values, long InspectedBytes);
