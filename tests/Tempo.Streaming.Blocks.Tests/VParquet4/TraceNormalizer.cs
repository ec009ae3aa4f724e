using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

/// <summary>
/// Puts a trace in the form the vParquet4 round trip preserves, so traces can be compared with protobuf equality:
/// attributes sorted by key (the block stores well-known and dedicated attributes in columns and gives them back after
/// the generic ones, as Tempo does), Resource/Scope/Status always present, schema URLs and flags cleared (the schema has
/// no column for them). Works on a copy.
/// </summary>
internal static class TraceNormalizer
{
    public static Trace Normalize(Trace trace)
    {
        var copy = trace.Clone();
        foreach (var batch in copy.ResourceSpans)
        {
            batch.SchemaUrl = "";
            batch.Resource ??= new();
            Sort(batch.Resource.Attributes);
            foreach (var scope in batch.ScopeSpans)
            {
                scope.SchemaUrl = "";
                scope.Scope ??= new();
                Sort(scope.Scope.Attributes);
                foreach (var span in scope.Spans)
                {
                    span.Flags = 0;
                    span.Status ??= new();
                    Sort(span.Attributes);
                    foreach (var spanEvent in span.Events)
                    {
                        Sort(spanEvent.Attributes);
                    }
                    foreach (var link in span.Links)
                    {
                        link.Flags = 0;
                        Sort(link.Attributes);
                    }
                }
            }
        }
        return copy;
    }

    private static void Sort(RepeatedField<KeyValue> attributes)
    {
        var sorted = attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ThenBy(a => a.Value?.ToByteString().ToBase64(), StringComparer.Ordinal).ToList();
        attributes.Clear();
        attributes.Add(sorted);
    }
}
