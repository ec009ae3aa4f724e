using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Tempo.Streaming.Distributor.Truncation;

/// <summary>
/// Tempo's <c>max_attribute_bytes</c> (distributor): attribute keys and string values longer than the limit are cut
/// before storing. Like Tempo this covers the direct attributes of resources, scopes, spans, events and links, and
/// only top-level string values (not strings nested in arrays or key-value lists).
/// <para>
/// Tempo slices Go strings at the byte limit; a .NET string must stay valid UTF-8 to round-trip, so the cut moves
/// back to the previous character boundary (the result is at most the limit, never a broken character).
/// </para>
/// <para>
/// Only the rare message that needs it comes here (the scanner flags it): it is parsed with Google.Protobuf,
/// truncated and re-serialised, which keeps its unknown fields. The common path never touches this class.
/// </para>
/// </summary>
internal sealed class AttributeTruncator(int maxBytes)
{
    public byte[] TruncateResource(ReadOnlySpan<byte> bytes, ref TruncationCounts counts)
    {
        var resource = Resource.Parser.ParseFrom(bytes);
        counts.Resource += TruncateAll(resource.Attributes);
        return resource.ToByteArray();
    }

    public byte[] TruncateScope(ReadOnlySpan<byte> bytes, ref TruncationCounts counts)
    {
        var scope = InstrumentationScope.Parser.ParseFrom(bytes);
        counts.Scope += TruncateAll(scope.Attributes);
        return scope.ToByteArray();
    }

    public byte[] TruncateSpan(ReadOnlySpan<byte> bytes, ref TruncationCounts counts)
    {
        var span = Span.Parser.ParseFrom(bytes);
        counts.Span += TruncateAll(span.Attributes);
        foreach (var spanEvent in span.Events)
        {
            counts.Event += TruncateAll(spanEvent.Attributes);
        }

        foreach (var link in span.Links)
        {
            counts.Link += TruncateAll(link.Attributes);
        }

        return span.ToByteArray();
    }

    private int TruncateAll(RepeatedField<KeyValue> attributes)
    {
        var truncated = 0;
        foreach (var attribute in attributes)
        {
            if (TryTruncate(attribute.Key, out var key))
            {
                attribute.Key = key;
                truncated++;
            }

            if (attribute.Value is { ValueCase: AnyValue.ValueOneofCase.StringValue } value &&
                TryTruncate(value.StringValue, out var stringValue))
            {
                value.StringValue = stringValue;
                truncated++;
            }
        }

        return truncated;
    }

    private bool TryTruncate(string value, out string truncated)
    {
        // A UTF-16 string of n chars is at most 3n UTF-8 bytes and at least n: cheap exits before counting.
        if (value.Length <= maxBytes / 3 || Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            truncated = value;
            return false;
        }

        truncated = Utf8Prefix(value, maxBytes);
        return true;
    }

    /// <summary>The longest prefix of <paramref name="value"/> whose UTF-8 encoding fits in <paramref name="maxBytes"/>.</summary>
    internal static string Utf8Prefix(string value, int maxBytes)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        if (utf8.Length <= maxBytes)
        {
            return value;
        }

        var cut = maxBytes;
        // Step back over continuation bytes (10xxxxxx) so the cut lands on the start of a character.
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return Encoding.UTF8.GetString(utf8, 0, cut);
    }
}

/// <summary>Truncated keys and values per Tempo's <c>scope</c> label of <c>tempo_distributor_attributes_truncated_total</c>.</summary>
internal struct TruncationCounts
{
    public int Resource;
    public int Scope;
    public int Span;
    public int Event;
    public int Link;

    public readonly int Total => Resource + Scope + Span + Event + Link;
}
