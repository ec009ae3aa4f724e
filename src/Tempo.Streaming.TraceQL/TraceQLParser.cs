using Tempo.Streaming.TraceQL.Ast;
using Tempo.Streaming.TraceQL.Syntax;
using Tempo.Streaming.TraceQL.Validation;

namespace Tempo.Streaming.TraceQL;

/// <summary>The entry point to the language: text to a checked syntax tree, with Tempo's three error classes.</summary>
public static class TraceQLParser
{
    /// <summary>Parses without checking meaning.</summary>
    /// <exception cref="TraceQLParseException">The text is not TraceQL.</exception>
    public static RootExpression Parse(string query) => Parser.Parse(query);

    /// <summary>Parses and validates: what every query path runs before it plans anything.</summary>
    /// <exception cref="TraceQLParseException">The text is not TraceQL.</exception>
    /// <exception cref="TraceQLValidationException">The query means nothing (types, regex, arguments).</exception>
    /// <exception cref="TraceQLUnsupportedException">The query uses what is not evaluated yet.</exception>
    public static RootExpression ParseValid(string query)
    {
        var root = Parser.Parse(query);
        Validator.Validate(root);
        return root;
    }
}
