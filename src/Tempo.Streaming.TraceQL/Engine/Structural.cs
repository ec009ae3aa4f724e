using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>
/// The structural operators over the span tree: for <c>A op B</c>, the B spans the relation holds for with some A
/// span (<c>&gt;</c> child of, <c>&lt;</c> parent of, <c>&gt;&gt;</c> descendant of, <c>&lt;&lt;</c> ancestor of,
/// <c>~</c> sibling of — same parent, not itself); negated forms keep the B spans it holds for with no A span; union
/// forms add the A spans it holds with.
/// </summary>
internal static class Structural
{
    public static List<EvalSpan> Relate(SpansetOperator op, List<EvalSpan> left, List<EvalSpan> right)
    {
        var (relation, negated, union) = op switch
        {
            SpansetOperator.Child => (Relation.Child, false, false),
            SpansetOperator.Parent => (Relation.Parent, false, false),
            SpansetOperator.Descendant => (Relation.Descendant, false, false),
            SpansetOperator.Ancestor => (Relation.Ancestor, false, false),
            SpansetOperator.Sibling => (Relation.Sibling, false, false),
            SpansetOperator.NotChild => (Relation.Child, true, false),
            SpansetOperator.NotParent => (Relation.Parent, true, false),
            SpansetOperator.NotDescendant => (Relation.Descendant, true, false),
            SpansetOperator.NotAncestor => (Relation.Ancestor, true, false),
            SpansetOperator.NotSibling => (Relation.Sibling, true, false),
            SpansetOperator.UnionChild => (Relation.Child, false, true),
            SpansetOperator.UnionParent => (Relation.Parent, false, true),
            SpansetOperator.UnionDescendant => (Relation.Descendant, false, true),
            SpansetOperator.UnionAncestor => (Relation.Ancestor, false, true),
            SpansetOperator.UnionSibling => (Relation.Sibling, false, true),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a structural operator"),
        };

        var result = new List<EvalSpan>();
        var seen = new HashSet<int>();
        foreach (var b in right)
        {
            var holds = false;
            foreach (var a in left)
            {
                if (!Holds(relation, a, b))
                {
                    continue;
                }
                holds = true;
                if (!union)
                {
                    break;
                }
                if (seen.Add(a.Index))
                {
                    result.Add(a);
                }
            }
            if (holds != negated && seen.Add(b.Index))
            {
                result.Add(b);
            }
        }
        result.Sort(static (x, y) => x.Index.CompareTo(y.Index));
        return result;
    }

    /// <summary>Does the relation hold from <paramref name="a"/> (left side) to <paramref name="b"/> (right side)?</summary>
    private static bool Holds(Relation relation, EvalSpan a, EvalSpan b) => relation switch
    {
        Relation.Child => ReferenceEquals(b.Parent, a),
        Relation.Parent => ReferenceEquals(a.Parent, b),
        Relation.Descendant => b.IsDescendantOf(a),
        Relation.Ancestor => a.IsDescendantOf(b),
        _ => !ReferenceEquals(a, b) && a.Parent is not null && ReferenceEquals(a.Parent, b.Parent),
    };

    private enum Relation { Child, Parent, Descendant, Ancestor, Sibling }
}
