using System.Text.RegularExpressions;

namespace Tempo.Streaming.TraceQL;

/// <summary>
/// TraceQL's regular expressions: RE2 syntax, fully anchored (<c>=~ "foo"</c> matches only "foo"), evaluated in linear
/// time by .NET's non-backtracking engine, which like RE2 refuses backreferences and lookarounds.
/// </summary>
public static class TraceQLRegex
{
    /// <exception cref="TraceQLValidationException">The pattern is not a valid regular expression.</exception>
    public static Regex Compile(string pattern)
    {
        // RE2 spells named groups (?P<name>...); .NET knows them as (?<name>...).
        var dotnet = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        try
        {
            // \A and \z rather than ^ and $: .NET's $ also matches before a final newline, RE2's does not.
            return new Regex(@"\A(?:" + dotnet + @")\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new TraceQLValidationException($"invalid regular expression \"{pattern}\": {e.Message}");
        }
    }
}
