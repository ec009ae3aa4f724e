using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>The comparison operators over an ordering result, shared by the evaluator and the stores' push-down.</summary>
public static class Comparisons
{
    /// <summary>Whether <paramref name="op"/> holds for operands that compare as <paramref name="comparison"/> (negative, 0, positive); false for other operators.</summary>
    public static bool Holds(Operator op, int comparison) => op switch
    {
        Operator.Equal => comparison == 0,
        Operator.NotEqual => comparison != 0,
        Operator.Less => comparison < 0,
        Operator.LessEqual => comparison <= 0,
        Operator.Greater => comparison > 0,
        Operator.GreaterEqual => comparison >= 0,
        _ => false,
    };
}
