using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>
/// Counts the spans of a marshalled <c>ExportTraceServiceRequest</c> by walking tags and lengths only
/// (resource_spans = 1 → scope_spans = 2 → spans = 2), without decoding a span. Used when a whole push is refused, so
/// <c>tempo_receiver_refused_spans</c> counts spans as Tempo's does, without parsing on the accepted path.
/// </summary>
internal static class OtlpSpanCounter
{
    /// <returns>The span count, or 0 when the bytes are not a well-formed request.</returns>
    public static long Count(ReadOnlySpan<byte> request)
    {
        try
        {
            return CountSpans(request);
        }
        catch (InvalidProtobufException)
        {
            return 0;
        }
    }

    private static long CountSpans(ReadOnlySpan<byte> request)
    {
        long spans = 0;
        var export = new ProtoReader(request, "ExportTraceServiceRequest");
        while (export.TryReadTag(out var field, out var wireType))
        {
            if (field != 1 || wireType != WireType.LengthDelimited)
            {
                export.Skip(field, wireType);
                continue;
            }

            var resourceSpans = export.ReadBytes(field, wireType);
            var rs = new ProtoReader(resourceSpans, "ResourceSpans");
            while (rs.TryReadTag(out var rsField, out var rsWireType))
            {
                if (rsField != 2 || rsWireType != WireType.LengthDelimited)
                {
                    rs.Skip(rsField, rsWireType);
                    continue;
                }

                var ss = new ProtoReader(rs.ReadBytes(rsField, rsWireType), "ScopeSpans");
                while (ss.TryReadTag(out var ssField, out var ssWireType))
                {
                    if (ssField == 2 && ssWireType == WireType.LengthDelimited)
                    {
                        spans++;
                    }

                    ss.Skip(ssField, ssWireType);
                }
            }
        }

        return spans;
    }
}
