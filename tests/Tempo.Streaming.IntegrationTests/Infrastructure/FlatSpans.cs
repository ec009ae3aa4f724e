using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>
/// One span with the resource and scope it was reported under: the unit of an order-insensitive comparison between a
/// trace the server returns and the trace that was pushed (how spans are grouped into ResourceSpans/ScopeSpans and in
/// which order is not part of Tempo's contract; which resource and scope a span belongs to is).
/// </summary>
public sealed record FlatSpan(Span Span, Resource Resource, string ResourceSchemaUrl, InstrumentationScope Scope, string ScopeSchemaUrl)
{
    /// <summary>Tempo's span identity for deduplication: span ID and kind.</summary>
    public (string SpanId, Span.Types.SpanKind Kind) Key => (Convert.ToHexStringLower(Span.SpanId.Span), Span.Kind);

    public string TraceIdHex => Convert.ToHexStringLower(Span.TraceId.Span);
}

public static class FlatSpans
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    public static List<FlatSpan> Flatten(IEnumerable<ResourceSpans> batches)
    {
        var spans = new List<FlatSpan>();
        foreach (var rs in batches)
        foreach (var ss in rs.ScopeSpans)
        foreach (var span in ss.Spans)
        {
            // An absent and an empty message mean the same thing on the wire and in JSON; compare them as equal.
            var normalized = span.Clone();
            normalized.Status ??= new Status();
            spans.Add(new FlatSpan(normalized, rs.Resource ?? new Resource(), rs.SchemaUrl, ss.Scope ?? new InstrumentationScope(), ss.SchemaUrl));
        }
        return spans;
    }

    public static List<FlatSpan> Flatten(Tempopb.Trace trace) => Flatten(trace.ResourceSpans);

    /// <summary>
    /// Asserts that <paramref name="actual"/> holds exactly the spans of <paramref name="expected"/>, each once, each equal
    /// field for field (IDs, parent, name, kind, times, attributes, events, links, status, flags) and under an equal
    /// resource and scope.
    /// </summary>
    public static void ShouldEqualSpanForSpan(IReadOnlyList<FlatSpan> actual, IReadOnlyList<FlatSpan> expected, string what)
    {
        var byKey = new Dictionary<(string, Span.Types.SpanKind), FlatSpan>();
        foreach (var span in actual)
        {
            byKey.TryAdd(span.Key, span).Should().BeTrue($"{what}: span {span.Key} appears more than once");
        }

        var problems = new StringBuilder();
        foreach (var want in expected)
        {
            if (!byKey.Remove(want.Key, out var got))
            {
                problems.AppendLine($"missing span {want.Key} {want.Span.Name}");
                continue;
            }
            if (!got.Span.Equals(want.Span))
                problems.AppendLine($"span {want.Key} differs:\n  got  {Formatter.Format(got.Span)}\n  want {Formatter.Format(want.Span)}");
            if (!got.Resource.Equals(want.Resource) || got.ResourceSchemaUrl != want.ResourceSchemaUrl)
                problems.AppendLine($"resource of span {want.Key} differs:\n  got  {Formatter.Format(got.Resource)} {got.ResourceSchemaUrl}\n  want {Formatter.Format(want.Resource)} {want.ResourceSchemaUrl}");
            if (!got.Scope.Equals(want.Scope) || got.ScopeSchemaUrl != want.ScopeSchemaUrl)
                problems.AppendLine($"scope of span {want.Key} differs:\n  got  {Formatter.Format(got.Scope)} {got.ScopeSchemaUrl}\n  want {Formatter.Format(want.Scope)} {want.ScopeSchemaUrl}");
            if (problems.Length > 20_000) break;
        }
        foreach (var extra in byKey.Values) problems.AppendLine($"unexpected span {extra.Key} {extra.Span.Name}");
        problems.ToString().Should().BeEmpty($"{what} must equal the pushed trace span for span");
    }
}
