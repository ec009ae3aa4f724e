using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// What a trace keeps through a vParquet4 block, as in Tempo: everything but attribute order (well-known and dedicated
/// attributes live in their own columns and come back after the generic ones), span and link flags, and the resource
/// and scope schema URLs (the schema has no column for them). A span read from a block is compared with the pushed
/// one after both are put in this form; every other field must still be equal.
/// </summary>
public static class VParquet4Fidelity
{
    public static List<FlatSpan> Normalize(IEnumerable<FlatSpan> spans) => spans.Select(Normalize).ToList();

    private static FlatSpan Normalize(FlatSpan flat)
    {
        var span = flat.Span.Clone();
        span.Flags = 0;
        Sort(span.Attributes);
        foreach (var spanEvent in span.Events) Sort(spanEvent.Attributes);
        foreach (var link in span.Links)
        {
            link.Flags = 0;
            Sort(link.Attributes);
        }

        var resource = flat.Resource.Clone();
        Sort(resource.Attributes);
        var scope = flat.Scope.Clone();
        Sort(scope.Attributes);
        return new FlatSpan(span, resource, "", scope, "");
    }

    private static void Sort(RepeatedField<KeyValue> attributes)
    {
        var sorted = attributes.OrderBy(a => a.Key, StringComparer.Ordinal)
            .ThenBy(a => a.Value?.ToByteString().ToBase64(), StringComparer.Ordinal).ToList();
        attributes.Clear();
        attributes.Add(sorted);
    }
}
