using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>Where the parts of an ingest-log record's value (a marshalled <c>tempopb.PushBytesRequest</c>) lie.</summary>
internal static class PushBytesRequestLayout
{
    /// <summary>
    /// Fills <paramref name="traces"/> (field 2, the marshalled traces) and <paramref name="ids"/> (field 3, their IDs) with
    /// (start, length) pairs into <paramref name="value"/>, in order. Throws <see cref="InvalidProtobufException"/> when the
    /// value does not parse or the two lists do not pair up.
    /// </summary>
    public static void Split(ReadOnlySpan<byte> value, List<(int Start, int Length)> traces, List<(int Start, int Length)> ids)
    {
        traces.Clear();
        ids.Clear();
        var request = new ProtoReader(value, "PushBytesRequest");
        while (request.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 2:
                    traces.Add(request.ReadLengthDelimited(field, wireType));
                    break;
                case 3:
                    ids.Add(request.ReadLengthDelimited(field, wireType));
                    break;
                default:
                    request.Skip(field, wireType);
                    break;
            }
        }

        if (traces.Count != ids.Count)
        {
            ProtoReader.ThrowInvalid($"PushBytesRequest has {traces.Count} traces but {ids.Count} trace IDs");
        }
    }
}
