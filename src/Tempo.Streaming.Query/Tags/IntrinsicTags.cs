using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// The fixed parts of Tempo's tag APIs that no store holds (Tempo <c>pkg/search/util.go</c>): the intrinsic names the
/// frontend adds to tag-name responses, the keyword values of <c>status</c> and <c>kind</c>, and the v1 virtual values.
/// </summary>
public static class IntrinsicTags
{
    /// <summary>
    /// <c>GetVirtualIntrinsicValues</c>: the intrinsic names offered for autocomplete, sorted ordinally as the v2
    /// response lists them (nested-set fields and IDs are deliberately left out by Tempo).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = SortedOrdinal(
    [
        "duration", "kind", "name", "status", "statusMessage", "traceDuration", "rootServiceName", "rootName",
        "span:status", "span:statusMessage", "span:duration", "span:name", "span:kind",
        "trace:rootName", "trace:rootService", "trace:duration",
        "event:name", "event:timeSinceStart", "instrumentation:name", "instrumentation:version",
    ]);

    /// <summary><c>GetVirtualTagValuesV2</c> for <c>status</c> / <c>span:status</c>, in Tempo's order.</summary>
    public static IReadOnlyList<TypedTagValue> StatusValues { get; } =
        [new(TagValueType.Keyword, "ok"), new(TagValueType.Keyword, "error"), new(TagValueType.Keyword, "unset")];

    /// <summary><c>GetVirtualTagValuesV2</c> for <c>kind</c> / <c>span:kind</c>, in Tempo's order.</summary>
    public static IReadOnlyList<TypedTagValue> KindValues { get; } =
    [
        new(TagValueType.Keyword, "client"), new(TagValueType.Keyword, "server"), new(TagValueType.Keyword, "producer"),
        new(TagValueType.Keyword, "consumer"), new(TagValueType.Keyword, "internal"), new(TagValueType.Keyword, "unspecified"),
    ];

    /// <summary>
    /// <c>GetVirtualTagValues</c> (v1): <c>status.code</c> always offers unset/ok/error and <c>error</c> offers true; the
    /// stores' values are merged on top (v1 cannot tell the intrinsic from an attribute of that name).
    /// </summary>
    public static IReadOnlyList<string> V1VirtualValues(string tagName) => tagName switch
    {
        "status.code" => ["unset", "ok", "error"],
        "error" => ["true"],
        _ => [],
    };

    /// <summary>
    /// The fixed v2 values of an intrinsic that no store indexes: keywords for status and kind, an empty list for
    /// durations (continuous values), IDs (Tempo returns nothing for <c>trace:id</c>, <c>span:id</c>, ...) and the
    /// intrinsics Tempo parses but does not store values of. <c>null</c> for the indexed intrinsics.
    /// </summary>
    public static IReadOnlyList<TypedTagValue>? FixedValues(string canonicalIntrinsic) => canonicalIntrinsic switch
    {
        Intrinsics.Status => StatusValues,
        Intrinsics.Kind => KindValues,
        _ when IsIndexed(canonicalIntrinsic) => null,
        _ => [],
    };

    /// <summary>Whether stores keep the distinct values of <paramref name="canonicalIntrinsic"/> (<see cref="Intrinsics.Indexed"/>).</summary>
    public static bool IsIndexed(string canonicalIntrinsic)
    {
        foreach (var name in Intrinsics.Indexed)
        {
            if (string.Equals(name, canonicalIntrinsic, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] SortedOrdinal(string[] names)
    {
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}
