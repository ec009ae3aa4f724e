using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Traces;

namespace Tempo.Streaming.Query.Http;

/// <summary>
/// Parses and validates the trace-by-ID routes' inputs in Tempo's order (frontend <c>newTraceIDHandler</c> then
/// <c>api.ValidateAndSanitizeRequest</c>): the trace ID, then <c>mode</c>; with <c>mode=ingesters</c> nothing else is read
/// (Tempo returns before looking at the block bounds or the time range); otherwise <c>blockStart</c>, <c>blockEnd</c>,
/// <c>start</c>, <c>end</c>, and finally <c>start</c> must be before <c>end</c> when both are non-zero.
/// </summary>
public static class TraceByIdRequestParser
{
    public const string ModeParameter = "mode";
    public const string BlockStartParameter = "blockStart";
    public const string BlockEndParameter = "blockEnd";
    public const string StartParameter = "start";
    public const string EndParameter = "end";
    public const string QueryParameter = "q";

    /// <summary>Tempo's <c>tempodb.BlockIDMin</c> / <c>BlockIDMax</c>, the defaults of <c>blockStart</c> / <c>blockEnd</c>.</summary>
    public static readonly Guid BlockIdMin = Guid.Empty;

    public static readonly Guid BlockIdMax = new("ffffffff-ffff-ffff-ffff-ffffffffffff");

    /// <returns><c>null</c> and the lookup, or the 400 message in Tempo's wording.</returns>
    public static string? TryParse(string tenant, string traceIdHex, QueryParameters query, out TraceLookup? lookup)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(traceIdHex);
        ArgumentNullException.ThrowIfNull(query);
        lookup = null;

        var traceId = new byte[TraceId.Length];
        if (!TraceId.TryParseHex(traceIdHex, traceId, out var idError))
        {
            return idError.Message;
        }

        var modeText = query(ModeParameter);
        TraceLookupMode mode;
        switch (modeText)
        {
            case "" or "all":
                mode = TraceLookupMode.All;
                break;
            case "ingesters":
                mode = TraceLookupMode.Ingesters;
                break;
            case "blocks":
                mode = TraceLookupMode.Blocks;
                break;
            default:
                return $"invalid value for mode {modeText}";
        }

        if (mode == TraceLookupMode.Ingesters)
        {
            lookup = new TraceLookup(tenant, traceId, QueryWindow.All, mode, BlockIdMin, BlockIdMax);
            return null;
        }

        var blockStart = BlockIdMin;
        var blockStartText = query(BlockStartParameter);
        if (blockStartText.Length > 0 && GoUuid.Parse(blockStartText, out blockStart) is { } startUuidError)
        {
            // Tempo's wording has the lowercase "blockstart" here but "blockEnd" below.
            return $"invalid value for blockstart: {startUuidError}";
        }

        var blockEnd = BlockIdMax;
        var blockEndText = query(BlockEndParameter);
        if (blockEndText.Length > 0 && GoUuid.Parse(blockEndText, out blockEnd) is { } endUuidError)
        {
            return $"invalid value for blockEnd: {endUuidError}";
        }

        long start = 0;
        var startText = query(StartParameter);
        if (startText.Length > 0 && GoStrconv.ParseInt(startText, 64, out start) is { } startError)
        {
            return $"invalid start: {startError}";
        }

        long end = 0;
        var endText = query(EndParameter);
        if (endText.Length > 0 && GoStrconv.ParseInt(endText, 64, out end) is { } endError)
        {
            return $"invalid end: {endError}";
        }

        if (start != 0 && end != 0 && end <= start)
        {
            return $"http parameter start must be before end. received start={start} end={end}";
        }

        lookup = new TraceLookup(tenant, traceId, ToWindow(start, end), mode, blockStart, blockEnd);
        return null;
    }

    /// <summary>
    /// The v2 route's <c>q</c>: Tempo's API doc says an absent or empty <c>q</c>, <c>{}</c> and <c>{ true }</c> return the full
    /// trace. Span filtering needs the TraceQL engine (a later issue), so any other filter is refused rather than ignored:
    /// answering with the whole trace would look like every span matched.
    /// </summary>
    /// <returns><c>null</c> when the full trace is wanted, else the 400 message.</returns>
    public static string? CheckV2Filter(QueryParameters query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = query(QueryParameter).AsSpan().Trim();
        if (q.IsEmpty)
        {
            return null;
        }

        if (q.Length >= 2 && q[0] == '{' && q[^1] == '}')
        {
            var inner = q[1..^1].Trim();
            if (inner.IsEmpty || inner.SequenceEqual("true"))
            {
                return null;
            }
        }

        return $"invalid q: filtering a trace by a TraceQL spanset filter is not supported yet; " +
            $"omit q or use {{}} or {{ true }} for the full trace (received {query(QueryParameter)})";
    }

    // Tempo's trace-by-ID treats 0 as "not given": with neither bound every store is searched, with one bound the
    // other stays open.
    private static QueryWindow ToWindow(long start, long end) =>
        start == 0 && end == 0 ? QueryWindow.All : new QueryWindow(start, end == 0 ? long.MaxValue : end);
}
