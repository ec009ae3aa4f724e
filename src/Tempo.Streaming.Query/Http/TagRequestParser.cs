using System.Text;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Tags;

namespace Tempo.Streaming.Query.Http;

/// <summary>
/// Parses the tag routes' inputs in Tempo's order: the frontend reads <c>limit</c> and <c>maxStaleValues</c> leniently
/// (<c>parseParams</c>: anything that is not an unsigned 32-bit number counts as 0, "no limit"), then the tag sharder
/// parses the request (<c>api.ParseSearchTagsRequest</c>: scope, start, end; <c>parseSearchTagValuesRequest</c>: tag name,
/// start, end) and refuses a range longer than <c>query_frontend.search.max_duration</c>.
/// </summary>
public static class TagRequestParser
{
    public const string ScopeParameter = "scope";
    public const string StartParameter = "start";
    public const string EndParameter = "end";
    public const string LimitParameter = "limit";
    public const string MaxStaleValuesParameter = "maxStaleValues";
    public const string QueryParameter = "q";

    /// <summary>Tempo's default <c>query_frontend.search.max_duration</c> (168h), which the tag sharder enforces too.</summary>
    public static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromHours(168);

    /// <returns><c>null</c> and the request, or the 400 message.</returns>
    public static string? TryParseTagNames(string tenant, QueryParameters query, TimeSpan maxDuration, out TagNamesRequest? request)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(query);
        request = null;
        var (limit, maxStale) = ReadLimits(query);
        if (TagScopeSelection.TryParse(query(ScopeParameter), out var scope) is { } scopeError)
        {
            return scopeError;
        }

        if (ReadRange(query, maxDuration, out var window) is { } rangeError)
        {
            return rangeError;
        }

        request = new TagNamesRequest(tenant, scope, window, limit, maxStale, query(QueryParameter));
        return null;
    }

    /// <param name="escapedTagName">The <c>{tagName}</c> route value; Tempo query-unescapes it once more.</param>
    /// <param name="traceQL">True for the v2 route, whose tag must be a TraceQL identifier.</param>
    public static string? TryParseTagValues(string tenant, string escapedTagName, bool traceQL, QueryParameters query,
        TimeSpan maxDuration, out TagValuesRequest? request)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(escapedTagName);
        ArgumentNullException.ThrowIfNull(query);
        request = null;
        var (limit, maxStale) = ReadLimits(query);
        if (escapedTagName.Length == 0)
        {
            return "please provide a non-empty tagName";
        }

        if (!TryQueryUnescape(escapedTagName, out var tagName))
        {
            return "error in unescaping tagName";
        }

        if (traceQL && TraceQLIdentifier.TryParse(tagName, out _) is { } identifierError)
        {
            return $"please provide a valid tagName: {identifierError}";
        }

        if (ReadRange(query, maxDuration, out var window) is { } rangeError)
        {
            return rangeError;
        }

        request = new TagValuesRequest(tenant, tagName, window, limit, maxStale, query(QueryParameter));
        return null;
    }

    private static (int Limit, int MaxStale) ReadLimits(QueryParameters query)
    {
        var limit = GoStrconv.TryParseUInt32(query(LimitParameter), out var l) ? l : 0u;
        var maxStale = GoStrconv.TryParseUInt32(query(MaxStaleValuesParameter), out var m) ? m : 0u;
        return ((int)Math.Min(limit, int.MaxValue), (int)Math.Min(maxStale, int.MaxValue));
    }

    private static string? ReadRange(QueryParameters query, TimeSpan maxDuration, out QueryWindow window)
    {
        window = QueryWindow.All;
        long start = 0;
        var startText = query(StartParameter);
        if (startText.Length > 0 && GoStrconv.ParseInt(startText, 32, out start) is { } startError)
        {
            return $"invalid start: {startError}";
        }

        long end = 0;
        var endText = query(EndParameter);
        if (endText.Length > 0 && GoStrconv.ParseInt(endText, 32, out end) is { } endError)
        {
            return $"invalid end: {endError}";
        }

        // Tempo keeps both as uint32 and checks end-start in uint32 arithmetic, so start > end (or only one bound)
        // wraps around to a huge range and is refused with this message.
        var startU = unchecked((uint)start);
        var endU = unchecked((uint)end);
        var span = TimeSpan.FromSeconds(unchecked(endU - startU));
        if (maxDuration > TimeSpan.Zero && span > maxDuration)
        {
            return $"range specified by start and end exceeds {GoDuration.Format(maxDuration)}. received start={startU} end={endU}";
        }

        // Without both bounds Tempo asks only the live stores, over everything they hold.
        window = startU == 0 || endU == 0 ? QueryWindow.All : new QueryWindow(startU, endU);
        return null;
    }

    /// <summary>Go's <c>url.QueryUnescape</c>: <c>+</c> is a space, <c>%XX</c> a byte; a malformed escape is an error.</summary>
    internal static bool TryQueryUnescape(string text, out string result)
    {
        result = text;
        if (text.IndexOfAny(['%', '+']) < 0)
        {
            return true;
        }

        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                {
                    return false;
                }

                bytes.Add((byte)((Uri.FromHex(text[i + 1]) << 4) | Uri.FromHex(text[i + 2])));
                i += 2;
            }
            else if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else
            {
                var rune = char.IsSurrogatePair(text, i) ? new Rune(text[i], text[++i])
                    : Rune.TryCreate(c, out var single) ? single : Rune.ReplacementChar;
                var count = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < count; b++)
                {
                    bytes.Add(utf8[b]);
                }
            }
        }

        result = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }
}
