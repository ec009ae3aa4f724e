using System.Buffers;
using System.Text.RegularExpressions;

namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// A regular expression on UTF-8 values, fully anchored like TraceQL's <c>=~</c> / <c>!~</c> (Tempo anchors the
/// pattern as <c>^(?:…)$</c> and runs Go's RE2). Linear time: <see cref="RegexOptions.NonBacktracking"/>, so a hostile
/// pattern cannot stall a scan. Marked <see cref="ColumnPredicate.IsExpensive"/>: on dictionary-encoded chunks the
/// iterator runs it once per dictionary entry and answers values from that memo.
/// </summary>
public sealed class RegexPredicate : ColumnPredicate
{
    private const int StackDecodeLimit = 256;
    private readonly Regex _regex;
    private readonly bool _negate;

    /// <param name="pattern">The pattern as written in the query (anchoring is added here).</param>
    /// <param name="negate">True for <c>!~</c>: non-null values that do not match.</param>
    public RegexPredicate(string pattern, bool negate = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            // \A and \z rather than ^ and $: .NET's $ also matches before a final newline, RE2's does not.
            _regex = new Regex(@"\A(?:" + pattern + @")\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"invalid regular expression '{pattern}': {e.Message}", nameof(pattern), e);
        }
        Pattern = pattern;
        _negate = negate;
    }

    public string Pattern { get; }

    public override bool IsExpensive => true;

    public override bool KeepValue(in ColumnValue value)
    {
        if (value.Kind != ColumnValueKind.Bytes) return false;
        var bytes = value.Bytes.Span;
        char[]? rented = null;
        var chars = bytes.Length <= StackDecodeLimit
            ? stackalloc char[StackDecodeLimit]
            : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        try
        {
            var n = System.Text.Encoding.UTF8.GetChars(bytes, chars);
            return _regex.IsMatch(chars[..n]) != _negate;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    public override bool KeepBounds(in ValueBounds bounds) => !bounds.AllNull;

    public override string ToString() => (_negate ? "!~ " : "=~ ") + Pattern;
}
