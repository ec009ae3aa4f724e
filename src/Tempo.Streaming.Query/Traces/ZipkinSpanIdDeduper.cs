using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Traces;

/// <summary>
/// Tempo's trace-by-ID span-ID deduper (<c>modules/frontend/combiner/trace_by_id_deduper.go</c>, itself from Jaeger's
/// span_id_deduper), run on every combined trace before it is returned: Zipkin clients give the client span and the
/// server span of one RPC the same span ID. Each SERVER span whose ID is shared with a CLIENT span gets a fresh ID
/// (the smallest unused ID counting up from 1), its parent becomes the shared ID (the client span), and spans whose
/// parent was that shared ID are re-parented onto the new ID. IDs are read as 8-byte big-endian numbers; spans with
/// IDs of another length are left alone (Tempo would fail on them).
/// </summary>
internal static class ZipkinSpanIdDeduper
{
    public static void Dedupe(Trace trace)
    {
        HashSet<ulong>? clientIds = null;
        var hasServer = false;
        foreach (var span in AllSpans(trace))
        {
            if (span.SpanId.Length != 8)
            {
                continue;
            }

            if (span.Kind == Span.Types.SpanKind.Client)
            {
                (clientIds ??= []).Add(BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span));
            }
            else if (span.Kind == Span.Types.SpanKind.Server)
            {
                hasServer = true;
            }
        }

        if (clientIds is null || !hasServer)
        {
            return;
        }

        HashSet<ulong>? usedIds = null;
        Dictionary<ulong, ulong>? renamed = null;
        ulong maxUsedId = 0;
        foreach (var span in AllSpans(trace))
        {
            if (span.Kind != Span.Types.SpanKind.Server || span.SpanId.Length != 8)
            {
                continue;
            }

            var id = BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span);
            if (!clientIds.Contains(id))
            {
                continue;
            }

            usedIds ??= CollectIds(trace);
            if (!TryMakeUniqueId(usedIds, ref maxUsedId, out var newId))
            {
                continue;
            }

            (renamed ??= [])[id] = newId;
            span.ParentSpanId = ToByteString(id);
            span.SpanId = ToByteString(newId);
        }

        if (renamed is null)
        {
            return;
        }

        foreach (var span in AllSpans(trace))
        {
            if (span.ParentSpanId.Length != 8)
            {
                continue;
            }

            var parent = BinaryPrimitives.ReadUInt64BigEndian(span.ParentSpanId.Span);
            if (renamed.TryGetValue(parent, out var newParent) &&
                (span.SpanId.Length != 8 || BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span) != newParent))
            {
                span.ParentSpanId = ToByteString(newParent);
            }
        }
    }

    private static HashSet<ulong> CollectIds(Trace trace)
    {
        var ids = new HashSet<ulong>();
        foreach (var span in AllSpans(trace))
        {
            if (span.SpanId.Length == 8)
            {
                ids.Add(BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span));
            }
        }

        return ids;
    }

    /// <summary>Like Tempo: IDs are handed out upwards from 1, skipping IDs the trace already uses (never reused).</summary>
    private static bool TryMakeUniqueId(HashSet<ulong> usedIds, ref ulong maxUsedId, out ulong id)
    {
        for (id = maxUsedId + 1; id < ulong.MaxValue; id++)
        {
            if (!usedIds.Contains(id))
            {
                maxUsedId = id;
                return true;
            }
        }

        return false;
    }

    private static ByteString ToByteString(ulong id)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
        return ByteString.CopyFrom(bytes);
    }

    private static IEnumerable<Span> AllSpans(Trace trace)
    {
        foreach (var batch in trace.ResourceSpans)
        {
            foreach (var scope in batch.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    yield return span;
                }
            }
        }
    }
}
