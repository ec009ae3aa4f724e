namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>
/// Counts the spans of a marshalled <c>ExportTraceServiceRequest</c> by walking tags and lengths only
/// (resource_spans = 1 → scope_spans = 2 → spans = 2), without decoding a span. Used when a whole push is refused, so
/// <c>tempo_receiver_refused_spans</c> counts spans as Tempo's does, without parsing on the accepted path.
/// </summary>
internal static class OtlpSpanCounter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    /// <returns>The span count, or 0 when the bytes are not a well-formed request.</returns>
    public static long Count(ReadOnlySpan<byte> request)
    {
        long spans = 0;
        var pos = 0;
        while (pos < request.Length)
        {
            if (!TryReadField(request, ref pos, out var field, out var resourceSpans))
            {
                return 0;
            }

            if (field != 1 || resourceSpans.IsEmpty)
            {
                continue;
            }

            var rsPos = 0;
            while (rsPos < resourceSpans.Length)
            {
                if (!TryReadField(resourceSpans, ref rsPos, out var rsField, out var scopeSpans))
                {
                    return 0;
                }

                if (rsField != 2 || scopeSpans.IsEmpty)
                {
                    continue;
                }

                var ssPos = 0;
                while (ssPos < scopeSpans.Length)
                {
                    if (!TryReadField(scopeSpans, ref ssPos, out var ssField, out _))
                    {
                        return 0;
                    }

                    if (ssField == 2)
                    {
                        spans++;
                    }
                }
            }
        }

        return spans;
    }

    /// <summary>Reads one field; <paramref name="payload"/> is its bytes for length-delimited fields, else empty.
    /// Field number 2 with a non-length-delimited wire type is reported as field 0 so it is not counted.</summary>
    private static bool TryReadField(ReadOnlySpan<byte> buffer, ref int pos, out int field, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        field = 0;
        if (!TryReadVarint(buffer, ref pos, out var tag))
        {
            return false;
        }

        var wireType = (int)(tag & 7);
        switch (wireType)
        {
            case WireVarint:
                return TryReadVarint(buffer, ref pos, out _);
            case WireFixed64:
                pos += 8;
                return pos <= buffer.Length;
            case WireFixed32:
                pos += 4;
                return pos <= buffer.Length;
            case WireLengthDelimited:
                if (!TryReadVarint(buffer, ref pos, out var length) || length > (ulong)(buffer.Length - pos))
                {
                    return false;
                }

                field = (int)Math.Min(tag >> 3, int.MaxValue);
                payload = buffer.Slice(pos, (int)length);
                pos += (int)length;
                return true;
            default:
                return false;
        }
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> buffer, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && pos < buffer.Length; shift += 7)
        {
            var b = buffer[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
