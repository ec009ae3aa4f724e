namespace Tempo.Streaming.TraceQL;

/// <summary>A query Tempo would refuse, in one of its three classes; <see cref="Exception.Message"/> is what users see.</summary>
public abstract class TraceQLException(string message) : Exception(message);

/// <summary>The text is not TraceQL: <c>parse error at line L, col C: ...</c> (1-based, as Tempo reports it).</summary>
public sealed class TraceQLParseException(int line, int column, string detail)
    : TraceQLException($"parse error at line {line}, col {column}: {detail}")
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Detail { get; } = detail;
}

/// <summary>The query parses but means nothing: operand types that do not fit, an invalid regex, a bad argument.</summary>
public sealed class TraceQLValidationException(string message) : TraceQLException(message);

/// <summary>The query is TraceQL that neither Tempo nor this engine evaluates yet: <c>... not yet supported</c>.</summary>
public sealed class TraceQLUnsupportedException(string construct) : TraceQLException($"{construct} not yet supported")
{
    public string Construct { get; } = construct;
}
