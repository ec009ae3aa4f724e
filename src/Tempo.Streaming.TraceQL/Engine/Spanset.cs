using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>
/// A set of matched spans of one trace, with the values the pipeline attached to it (<c>by()</c> groups, aggregates),
/// in the order they were added.
/// </summary>
public sealed class Spanset
{
    internal Spanset(List<EvalSpan> spans, List<KeyValuePair<string, Static>> attributes)
    {
        Spans = spans;
        Attributes = attributes;
    }

    public List<EvalSpan> Spans { get; }

    public List<KeyValuePair<string, Static>> Attributes { get; }

    /// <summary>The last aggregate's value (what a scalar filter compares).</summary>
    internal Static Scalar { get; set; } = Static.Nil;

    internal static Spanset Of(IEnumerable<EvalSpan> spans) => new([.. spans], []);

    /// <summary>A copy holding <paramref name="spans"/> and this spanset's attributes.</summary>
    internal Spanset With(List<EvalSpan> spans) => new(spans, [.. Attributes]) { Scalar = Scalar };
}
