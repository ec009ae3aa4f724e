using System.Globalization;
using System.Text;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.Query.Http;

/// <summary>A <c>/api/search</c> request after HTTP parsing: the TraceQL to run for each tenant, and how.</summary>
/// <param name="Query">The checked query: <c>q</c>, or the TraceQL equivalent of the tag search (<see cref="TagSearchQuery"/>).</param>
/// <param name="QueryText">The text <see cref="Query"/> was parsed from.</param>
/// <param name="Options">Window, limit (after <c>default_result_limit</c>), spans per spanset, most recent.</param>
/// <param name="IsTagSearch">
/// True when the request had no <c>q</c>: Tempo answers a tag search with trace-level metadata only (vParquet4's
/// <c>rawToResults</c> fills trace ID, root service and name, start and duration — no span sets, no service stats).
/// </param>
public sealed record TraceSearch(RootExpression Query, string QueryText, SearchOptions Options, bool IsTagSearch);

/// <summary>
/// The limits Tempo's query frontend applies to a search (<c>query_frontend.search</c> and
/// <c>query_frontend.max_query_expression_size_bytes</c>, defaults from modules/frontend/config.go).
/// </summary>
/// <param name="DefaultLimit"><c>default_result_limit</c>: the limit when none is given.</param>
/// <param name="MaxLimit"><c>max_result_limit</c>: a larger <c>limit</c> is refused; 0 = no maximum.</param>
/// <param name="MaxDuration"><c>max_duration</c>: a longer start..end range is refused; zero = no maximum.</param>
/// <param name="DefaultSpansPerSpanSet"><c>default_spans_per_span_set</c>: the <c>spss</c> when none is given.</param>
/// <param name="MaxSpansPerSpanSet"><c>max_spans_per_span_set</c>: a larger <c>spss</c> is refused; 0 = no maximum.</param>
/// <param name="MaxQueryExpressionSizeBytes"><c>max_query_expression_size_bytes</c>: longer TraceQL (UTF-8 bytes) is refused.</param>
public sealed record SearchLimits(
    uint DefaultLimit,
    uint MaxLimit,
    TimeSpan MaxDuration,
    uint DefaultSpansPerSpanSet,
    uint MaxSpansPerSpanSet,
    int MaxQueryExpressionSizeBytes)
{
    /// <summary>Tempo's defaults: 20 traces, at most 262144; 168h; 3 spans per spanset, at most 100; 128 KiB of TraceQL.</summary>
    public static SearchLimits Default { get; } = new(20, 256 * 1024, TimeSpan.FromHours(168), 3, 100, 128 * 1024);
}

/// <summary>
/// Parses <c>GET /api/search</c> in the order Tempo's query frontend checks it, with its error texts (all answered 400):
/// <list type="number">
/// <item>the TraceQL size limit on <c>q</c> and <c>query</c> (checked at the entry point, before any parsing);</item>
/// <item><c>api.ParseSearchRequest</c> (pkg/api/http.go): <c>start</c>, <c>end</c> (Go <c>strconv.ParseInt(s, 10, 32)</c>,
/// kept as uint32), <c>q</c> (syntax only, and not at all for <c>{}</c>), <c>tags</c> (logfmt; refused next to <c>q</c>),
/// the legacy top-level tags, <c>minDuration</c>, <c>maxDuration</c> (Go <c>time.ParseDuration</c>, kept as uint32
/// milliseconds), <c>limit</c>, <c>spss</c> (Go <c>strconv.Atoi</c>, positive), then end after start unless both are 0;</item>
/// <item><c>adjustLimit</c> (modules/frontend/search_handlers.go): no limit means <c>default_result_limit</c>, more than
/// <c>max_result_limit</c> is refused;</item>
/// <item>the query validator middleware (modules/frontend/pipeline/async_query_validator_middleware.go): the TraceQL of
/// <c>query</c>, else <c>q</c>, must parse and validate;</item>
/// <item>the search sharder (modules/frontend/search_sharder.go): the range may not exceed <c>max_duration</c>, <c>spss</c>
/// may not exceed <c>max_spans_per_span_set</c>.</item>
/// </list>
/// Tempo takes "most recent" only from the query hint <c>with(most_recent=true)</c> (pkg/traceql/enum_hints.go
/// <c>HintMostRecent</c>); there is no URL parameter for it, and a tag search is never most-recent.
/// </summary>
public static class SearchRequestParser
{
    public const string QueryParameter = "q";
    public const string QueryAliasParameter = "query";
    public const string TagsParameter = "tags";
    public const string MinDurationParameter = "minDuration";
    public const string MaxDurationParameter = "maxDuration";
    public const string LimitParameter = "limit";
    public const string SpansPerSpanSetParameter = "spss";
    public const string StartParameter = "start";
    public const string EndParameter = "end";

    /// <summary>The query hint that asks for the newest traces of the window rather than the first found.</summary>
    public const string MostRecentHint = "most_recent";

    /// <summary>The text of every TraceQL query Tempo refuses: <c>invalid TraceQL query: parse error at line 1, col 3: ...</c>.</summary>
    public const string InvalidQueryPrefix = "invalid TraceQL query: ";

    /// <summary>Parameters that are never legacy top-level tags (Tempo's reserved list in <c>ParseSearchRequest</c>).</summary>
    private static readonly HashSet<string> ReservedParameters = new(StringComparer.Ordinal)
    {
        QueryParameter, TagsParameter, MinDurationParameter, MaxDurationParameter, LimitParameter, SpansPerSpanSetParameter,
        StartParameter, EndParameter,
    };

    /// <param name="query">The request's query parameters (first value, "" when absent).</param>
    /// <param name="parameterNames">Every parameter name of the request: without <c>q</c>, <c>tags</c>, <c>start</c> and
    /// <c>end</c> Tempo reads each other parameter as a tag (the first Grafana versions searched that way).</param>
    /// <returns><c>null</c> and the search, or the 400 message in Tempo's wording.</returns>
    public static string? TryParse(QueryParameters query, IEnumerable<string> parameterNames, SearchLimits limits,
        out TraceSearch? search)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(parameterNames);
        ArgumentNullException.ThrowIfNull(limits);
        search = null;

        var q = query(QueryParameter);
        var alias = query(QueryAliasParameter);
        if ((CheckSize(q, limits) ?? CheckSize(alias, limits)) is { } sizeError)
        {
            return sizeError;
        }

        // --- api.ParseSearchRequest ---
        uint start = 0;
        var startText = query(StartParameter);
        if (startText.Length > 0)
        {
            if (GoStrconv.ParseInt(startText, 32, out var value) is { } error)
            {
                return $"invalid start: {error}";
            }

            start = unchecked((uint)value);
        }

        uint end = 0;
        var endText = query(EndParameter);
        if (endText.Length > 0)
        {
            if (GoStrconv.ParseInt(endText, 32, out var value) is { } error)
            {
                return $"invalid end: {error}";
            }

            end = unchecked((uint)value);
        }

        var queryFound = q.Length > 0;
        if (queryFound && q != "{}")
        {
            // Tempo only parses here (traceql.Parse) and skips "{}"; meaning is checked by the validator below.
            try
            {
                TraceQLParser.Parse(q);
            }
            catch (TraceQLException exception)
            {
                return InvalidQueryPrefix + exception.Message;
            }
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var encodedTags = query(TagsParameter);
        var tagsFound = encodedTags.Length > 0;
        if (tagsFound)
        {
            if (queryFound)
            {
                return "invalid request: can't specify tags and q in the same query";
            }

            if (DecodeLogfmtTags(encodedTags, tags) is { } tagsError)
            {
                return $"invalid tags: {tagsError}";
            }
        }

        if (!queryFound && !tagsFound && start == 0 && end == 0)
        {
            foreach (var name in parameterNames)
            {
                if (ReservedParameters.Contains(name))
                {
                    continue;
                }

                var value = query(name);
                if (value.Length > 0)
                {
                    tags[name] = value;
                }
            }
        }

        uint minDurationMs = 0;
        var minText = query(MinDurationParameter);
        if (minText.Length > 0)
        {
            if (ParseGoDuration(minText, out var nanoseconds) is { } error)
            {
                return $"invalid minDuration: {error}";
            }

            minDurationMs = Milliseconds(nanoseconds);
        }

        uint maxDurationMs = 0;
        var maxText = query(MaxDurationParameter);
        if (maxText.Length > 0)
        {
            if (ParseGoDuration(maxText, out var nanoseconds) is { } error)
            {
                return $"invalid maxDuration: {error}";
            }

            maxDurationMs = Milliseconds(nanoseconds);
            if (minDurationMs != 0 && minDurationMs > maxDurationMs)
            {
                return "invalid maxDuration: must be greater than minDuration";
            }
        }

        uint limit = 0;
        if (ReadPositive(query, LimitParameter, ref limit) is { } limitError)
        {
            return limitError;
        }

        var spansPerSpanSet = limits.DefaultSpansPerSpanSet;
        if (ReadPositive(query, SpansPerSpanSetParameter, ref spansPerSpanSet) is { } spssError)
        {
            return spssError;
        }

        if ((start != 0 || end != 0) && end <= start)
        {
            return $"http parameter start must be before end. received start={start} end={end}";
        }

        // --- adjustLimit ---
        if (limit == 0)
        {
            limit = limits.DefaultLimit;
        }
        else if (limits.MaxLimit != 0 && limit > limits.MaxLimit)
        {
            return $"limit {limit} exceeds max limit {limits.MaxLimit}";
        }

        // --- query validator middleware: `query` wins over `q` when both are given ---
        var validated = alias.Length > 0 ? alias : q;
        RootExpression? root = null;
        if (validated.Length > 0)
        {
            try
            {
                var checkedRoot = TraceQLParser.ParseValid(validated);
                if (ReferenceEquals(validated, q))
                {
                    root = checkedRoot;
                }
            }
            catch (TraceQLException exception)
            {
                return InvalidQueryPrefix + exception.Message;
            }
        }

        // --- search sharder ---
        var range = TimeSpan.FromSeconds(unchecked(end - start));
        if (limits.MaxDuration > TimeSpan.Zero && range > limits.MaxDuration)
        {
            return $"range specified by start and end exceeds {GoDuration.Format(limits.MaxDuration)}. received start={start} end={end}";
        }

        if (limits.MaxSpansPerSpanSet != 0 && spansPerSpanSet > limits.MaxSpansPerSpanSet)
        {
            return $"spans per span set exceeds {limits.MaxSpansPerSpanSet}. received {spansPerSpanSet}";
        }

        string text;
        if (queryFound)
        {
            text = q;
            if (root is null)
            {
                // Only reached when `query` was validated instead: q parsed above but was not yet checked for meaning.
                try
                {
                    root = TraceQLParser.ParseValid(q);
                }
                catch (TraceQLException exception)
                {
                    return InvalidQueryPrefix + exception.Message;
                }
            }
        }
        else
        {
            // No q: the pre-TraceQL tag search, run as the TraceQL it is equivalent to. Tempo's engine reads the
            // duration bounds only here; next to a q they are parsed (and refused when malformed) but not applied.
            if (TagSearchQuery.Check(tags) is { } invalid)
            {
                return "invalid tags: " + invalid;
            }

            text = TagSearchQuery.ToTraceQL(tags, minDurationMs, maxDurationMs);
            root = TraceQLParser.ParseValid(text);
        }

        var window = start == 0 && end == 0 ? QueryWindow.All : new QueryWindow(start, end);
        var options = new SearchOptions(window, ClampToInt(limit), ClampToInt(spansPerSpanSet), queryFound && IsMostRecent(root));
        search = new TraceSearch(root, text, options, IsTagSearch: !queryFound);
        return null;
    }

    /// <summary>
    /// Tempo's <c>Hints.GetBool(HintMostRecent)</c>: the last <c>most_recent</c> hint whose value is a boolean; a hint
    /// with any other type of value counts as absent.
    /// </summary>
    public static bool IsMostRecent(RootExpression root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var mostRecent = false;
        foreach (var hint in root.Hints)
        {
            if (hint.Name == MostRecentHint && hint.Value.Type == StaticType.Boolean)
            {
                mostRecent = hint.Value.Bool;
            }
        }

        return mostRecent;
    }

    private static string? CheckSize(string traceQL, SearchLimits limits) =>
        traceQL.Length > 0 && Encoding.UTF8.GetByteCount(traceQL) > limits.MaxQueryExpressionSizeBytes
            ? $"TraceQL expression exceeds the configured maximum size of {limits.MaxQueryExpressionSizeBytes} bytes, " +
              "reduce the query expression size or contact your system administrator"
            : null;

    // limit and spss: strconv.Atoi, then "must be a positive number", then Go's uint32(...) conversion (which wraps).
    private static string? ReadPositive(QueryParameters query, string name, ref uint value)
    {
        var text = query(name);
        if (text.Length == 0)
        {
            return null;
        }

        if (GoStrconv.ParseInt(text, 64, out var parsed) is { } error)
        {
            // Atoi reports its own name: strconv.Atoi: parsing "x": invalid syntax.
            return $"invalid {name}: strconv.Atoi{error["strconv.ParseInt".Length..]}";
        }

        if (parsed <= 0)
        {
            return $"invalid {name}: must be a positive number";
        }

        value = unchecked((uint)parsed);
        return null;
    }

    // Go's Duration.Milliseconds() (truncating toward zero), then uint32(...) as Tempo stores it.
    private static uint Milliseconds(long nanoseconds) => unchecked((uint)(nanoseconds / 1_000_000));

    private static int ClampToInt(uint value) => (int)Math.Min(value, int.MaxValue);

    /// <summary>
    /// Decodes <c>tags</c> as Tempo does with go-logfmt's <c>Decoder</c>: records are lines, pairs are <c>key=value</c>,
    /// <c>key</c> alone (value ""), <c>key="quoted value"</c> with JSON escapes; a key given twice is refused. Positions in
    /// errors are 1-based byte offsets within the line, as go-logfmt reports them.
    /// </summary>
    /// <returns><c>null</c>, or the error after <c>invalid tags: </c>.</returns>
    internal static string? DecodeLogfmtTags(string text, IDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tags);
        var bytes = Encoding.UTF8.GetBytes(text);
        var lineStart = 0;
        while (lineStart < bytes.Length)
        {
            // bufio.ScanLines: a record ends at '\n', a trailing '\r' is dropped, a line needs to fit its 64 KiB buffer.
            var newline = Array.IndexOf(bytes, (byte)'\n', lineStart);
            var lineEnd = newline < 0 ? bytes.Length : newline;
            if (lineEnd - lineStart >= LogfmtMaxLineBytes)
            {
                return "bufio.Scanner: token too long";
            }

            var length = lineEnd - lineStart;
            if (length > 0 && bytes[lineEnd - 1] == '\r')
            {
                length--;
            }

            var line = new ReadOnlySpan<byte>(bytes, lineStart, length);
            var position = 0;
            while (true)
            {
                var result = ScanKeyval(line, ref position, out var key, out var value);
                if (result is LogfmtScan.Error)
                {
                    return value;
                }

                if (result is LogfmtScan.End)
                {
                    break;
                }

                if (!tags.TryAdd(key!, value ?? ""))
                {
                    return $"tag {key} has been set twice";
                }
            }

            lineStart = lineEnd + 1;
        }

        return null;
    }

    private const int LogfmtMaxLineBytes = 64 * 1024;

    private enum LogfmtScan { Pair, End, Error }

    // One step of go-logfmt's Decoder.ScanKeyval over a line. On Error, `value` holds "<message> at pos <n>".
    private static LogfmtScan ScanKeyval(ReadOnlySpan<byte> line, ref int position, out string? key, out string? value)
    {
        key = null;
        value = null;

        // Skip anything up to the next byte above ' '.
        while (position < line.Length && line[position] <= ' ')
        {
            position++;
        }

        if (position >= line.Length)
        {
            return LogfmtScan.End;
        }

        // The key runs to '=', a space or the end; a '"' in it, or an '=' with no key before it, is an error.
        var start = position;
        var multibyte = false;
        while (position < line.Length)
        {
            var c = line[position];
            if (c == '=')
            {
                if (position == start)
                {
                    value = UnexpectedByte(c, position);
                    return LogfmtScan.Error;
                }

                if (KeyOf(line[start..position], multibyte, position, out key, out value))
                {
                    return LogfmtScan.Error;
                }

                return ScanValue(line, ref position, out value);
            }

            if (c == '"')
            {
                value = UnexpectedByte(c, position);
                return LogfmtScan.Error;
            }

            if (c <= ' ')
            {
                return KeyOf(line[start..position], multibyte, position, out key, out value) ? LogfmtScan.Error : LogfmtScan.Pair;
            }

            multibyte |= c >= 0x80;
            position++;
        }

        return KeyOf(line[start..position], multibyte, position, out key, out value) ? LogfmtScan.Error : LogfmtScan.Pair;
    }

    // Returns true (and the error in `error`) when the key holds U+FFFD: go-logfmt's "invalid key".
    private static bool KeyOf(ReadOnlySpan<byte> bytes, bool multibyte, int position, out string key, out string? error)
    {
        key = Encoding.UTF8.GetString(bytes);
        error = null;
        if (multibyte && key.Contains('\uFFFD', StringComparison.Ordinal))
        {
            error = SyntaxError("invalid key", position);
            return true;
        }

        return false;
    }

    // After "key=": nothing, a space (value ""), a quoted value, or a bare value that may not hold '=' or '"'.
    private static LogfmtScan ScanValue(ReadOnlySpan<byte> line, ref int position, out string? value)
    {
        value = null;
        position++;
        if (position >= line.Length || line[position] <= ' ')
        {
            return LogfmtScan.Pair;
        }

        if (line[position] == '"')
        {
            return ScanQuotedValue(line, ref position, out value);
        }

        var start = position;
        while (position < line.Length)
        {
            var c = line[position];
            if (c is (byte)'=' or (byte)'"')
            {
                value = UnexpectedByte(c, position);
                return LogfmtScan.Error;
            }

            if (c <= ' ')
            {
                break;
            }

            position++;
        }

        value = Encoding.UTF8.GetString(line[start..position]);
        return LogfmtScan.Pair;
    }

    private static LogfmtScan ScanQuotedValue(ReadOnlySpan<byte> line, ref int position, out string? value)
    {
        var start = position;
        var hasEscape = false;
        var escaped = false;
        for (var i = position + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (escaped)
            {
                escaped = false;
            }
            else if (c == '\\')
            {
                hasEscape = escaped = true;
            }
            else if (c == '"')
            {
                position = i + 1;
                if (!hasEscape)
                {
                    value = Encoding.UTF8.GetString(line[(start + 1)..i]);
                    return LogfmtScan.Pair;
                }

                if (UnquoteJson(line[(start + 1)..i]) is not { } unquoted)
                {
                    value = SyntaxError("invalid quoted value", position);
                    return LogfmtScan.Error;
                }

                value = unquoted;
                return LogfmtScan.Pair;
            }
        }

        position = line.Length;
        value = SyntaxError("unterminated quoted value", position);
        return LogfmtScan.Error;
    }

    // go-logfmt's unquoteBytes (encoding/json's string unquoting): \" \\ \/ \' \b \f \n \r \t \uXXXX (surrogate pairs
    // joined, a lone surrogate becomes U+FFFD); any other escape, a raw '"' or a control character is invalid.
    private static string? UnquoteJson(ReadOnlySpan<byte> body)
    {
        var output = new List<byte>(body.Length);
        Span<byte> utf8 = stackalloc byte[4];
        var r = 0;
        while (r < body.Length)
        {
            var c = body[r];
            if (c == '\\')
            {
                r++;
                if (r >= body.Length)
                {
                    return null;
                }

                switch (body[r])
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'\'':
                        output.Add(body[r]);
                        r++;
                        break;
                    case (byte)'b': output.Add((byte)'\b'); r++; break;
                    case (byte)'f': output.Add((byte)'\f'); r++; break;
                    case (byte)'n': output.Add((byte)'\n'); r++; break;
                    case (byte)'r': output.Add((byte)'\r'); r++; break;
                    case (byte)'t': output.Add((byte)'\t'); r++; break;
                    case (byte)'u':
                        r--;
                        var rune = HexRune(body[r..]);
                        if (rune < 0)
                        {
                            return null;
                        }

                        r += 6;
                        if (rune is >= 0xD800 and < 0xE000)
                        {
                            var low = HexRune(body[r..]);
                            if (rune < 0xDC00 && low is >= 0xDC00 and < 0xE000)
                            {
                                r += 6;
                                rune = 0x10000 + ((rune - 0xD800) << 10) + (low - 0xDC00);
                            }
                            else
                            {
                                rune = 0xFFFD;
                            }
                        }

                        var count = new Rune(rune).EncodeToUtf8(utf8);
                        for (var b = 0; b < count; b++)
                        {
                            output.Add(utf8[b]);
                        }

                        break;
                    default:
                        return null;
                }
            }
            else if (c == '"' || c < ' ')
            {
                return null;
            }
            else
            {
                output.Add(c);
                r++;
            }
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static int HexRune(ReadOnlySpan<byte> s)
    {
        if (s.Length < 6 || s[0] != '\\' || s[1] != 'u')
        {
            return -1;
        }

        var rune = 0;
        foreach (var c in s[2..6])
        {
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return -1;
            }

            rune = (rune * 16) + digit;
        }

        return rune;
    }

    // go-logfmt reports the offending byte Go-quoted as a character ('=' or '"') at the 1-based byte position.
    private static string UnexpectedByte(byte c, int position) => SyntaxError($"unexpected '{(char)c}'", position);

    private static string SyntaxError(string message, int position) => $"{message} at pos {position + 1}";

    /// <summary>
    /// Go's <c>time.ParseDuration</c> with its exact errors (<c>time: invalid duration "x"</c>, <c>time: missing unit in
    /// duration "10"</c>, <c>time: unknown unit "msec" in duration "1msec"</c>): an optional sign, then one or more
    /// decimal numbers each followed by a unit among ns, us, µs, μs, ms, s, m, h; "0" alone needs no unit.
    /// </summary>
    /// <returns><c>null</c> and the duration in nanoseconds, or the error text.</returns>
    internal static string? ParseGoDuration(string text, out long nanoseconds)
    {
        ArgumentNullException.ThrowIfNull(text);
        nanoseconds = 0;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return null;
        }

        if (s.IsEmpty)
        {
            return InvalidDuration(text);
        }

        const ulong Limit = 1UL << 63;
        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (s[0] != '.' && !char.IsAsciiDigit(s[0]))
            {
                return InvalidDuration(text);
            }

            // [0-9]*
            ulong whole = 0;
            var i = 0;
            for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
            {
                if (whole > Limit / 10)
                {
                    return InvalidDuration(text);
                }

                whole = (whole * 10) + (ulong)(s[i] - '0');
                if (whole > Limit)
                {
                    return InvalidDuration(text);
                }
            }

            var hasWhole = i > 0;
            s = s[i..];

            // (\.[0-9]*)? — digits past int64 precision are dropped, not an error.
            ulong fraction = 0;
            var scale = 1.0;
            var hasFraction = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var overflow = false;
                var j = 0;
                for (; j < s.Length && char.IsAsciiDigit(s[j]); j++)
                {
                    if (overflow)
                    {
                        continue;
                    }

                    if (fraction > (Limit - 1) / 10)
                    {
                        overflow = true;
                        continue;
                    }

                    var next = (fraction * 10) + (ulong)(s[j] - '0');
                    if (next > Limit)
                    {
                        overflow = true;
                        continue;
                    }

                    fraction = next;
                    scale *= 10;
                }

                hasFraction = j > 0;
                s = s[j..];
            }

            if (!hasWhole && !hasFraction)
            {
                return InvalidDuration(text);
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                return $"time: missing unit in duration {GoTimeQuote(text)}";
            }

            var unitText = s[..unitLength];
            s = s[unitLength..];
            ulong unit = unitText switch
            {
                "ns" => 1,
                "us" or "\u00B5s" or "\u03BCs" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60_000_000_000,
                "h" => 3_600_000_000_000,
                _ => 0,
            };
            if (unit == 0)
            {
                return $"time: unknown unit {GoTimeQuote(unitText.ToString())} in duration {GoTimeQuote(text)}";
            }

            if (whole > Limit / unit)
            {
                return InvalidDuration(text);
            }

            whole *= unit;
            if (fraction > 0)
            {
                // As Go: float64 is nanosecond-accurate for fractions of the largest unit.
                whole += (ulong)(fraction * (unit / scale));
                if (whole > Limit)
                {
                    return InvalidDuration(text);
                }
            }

            total += whole;
            if (total > Limit)
            {
                return InvalidDuration(text);
            }
        }

        if (negative)
        {
            nanoseconds = unchecked(-(long)total);
            return null;
        }

        if (total > long.MaxValue)
        {
            return InvalidDuration(text);
        }

        nanoseconds = (long)total;
        return null;
    }

    private static string InvalidDuration(string text) => $"time: invalid duration {GoTimeQuote(text)}";

    // The time package's own quote(): '"' and '\' escaped, any byte of a non-ASCII or control character as \xNN.
    private static string GoTimeQuote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value >= 0x80 || rune.Value < ' ')
            {
                var count = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < count; b++)
                {
                    builder.Append("\\x").Append(utf8[b].ToString("x2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                if (rune.Value is '"' or '\\')
                {
                    builder.Append('\\');
                }

                builder.Append((char)rune.Value);
            }
        }

        return builder.Append('"').ToString();
    }
}
