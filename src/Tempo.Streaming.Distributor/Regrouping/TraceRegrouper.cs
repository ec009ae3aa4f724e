using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Distributor.Regrouping;

/// <summary>
/// Groups the scanned spans by trace ID and sizes each trace's <c>tempopb.Trace</c> encoding
/// (tempo.proto: <c>Trace { repeated ResourceSpans resource_spans = 1; }</c>).
/// <para>
/// Each trace keeps the request's own resource and scope grouping and span order: its spans are chained in request
/// order, and since the request lists resources, then scopes, then spans in sequence, the chain visits each of its
/// resources and scopes in one contiguous run. Every run becomes a ResourceSpans { resource, ScopeSpans { scope,
/// spans..., schema_url }..., schema_url } — the resource and scope bytes copied once per trace that uses them.
/// (Tempo additionally merges ScopeSpans of equal scope name and version inside one resource; keeping the client's
/// grouping is equivalent for every reader and needs no per-span hashing.)
/// </para>
/// </summary>
internal static class TraceRegrouper
{
    public const int TraceIdLength = 16;
    public const int SpanIdLength = 8;

    /// <summary>
    /// Validates span IDs (OTLP and Tempo: trace ID 16 bytes, span ID 8 bytes, neither all zero) and chains valid
    /// spans into traces. Invalid spans are counted and left out.
    /// </summary>
    public static void Group(ReadOnlySpan<byte> payload, PushWorkspace workspace, ref RejectedSpanCounts rejected)
    {
        var spans = workspace.Spans;
        for (var i = 0; i < workspace.SpanCount; i++)
        {
            ref var span = ref spans[i];
            span.Next = -1;
            if (span.TraceIdLength != TraceIdLength || IsAllZero(payload.Slice(span.TraceIdStart, TraceIdLength)))
            {
                rejected.InvalidTraceId++;
                continue;
            }

            if (span.SpanIdLength != SpanIdLength || BinaryPrimitives.ReadUInt64LittleEndian(payload.Slice(span.SpanIdStart)) == 0)
            {
                rejected.InvalidSpanId++;
                continue;
            }

            var key = MemoryMarshal.Read<UInt128>(payload.Slice(span.TraceIdStart, TraceIdLength));
            ref var traceIndex = ref CollectionsMarshal.GetValueRefOrAddDefault(workspace.TraceIndex, key, out var exists);
            if (!exists)
            {
                traceIndex = workspace.AddTrace();
                ref var created = ref workspace.Traces[traceIndex];
                created = default;
                created.TraceIdStart = span.TraceIdStart;
                created.Head = i;
                created.Tail = i;
                created.SpanCount = 1;
                continue;
            }

            ref var trace = ref workspace.Traces[traceIndex];
            spans[trace.Tail].Next = i;
            trace.Tail = i;
            trace.SpanCount++;
        }
    }

    private static bool IsAllZero(ReadOnlySpan<byte> id) =>
        (BinaryPrimitives.ReadUInt64LittleEndian(id) | BinaryPrimitives.ReadUInt64LittleEndian(id[8..])) == 0;

    /// <summary>
    /// Computes every trace's encoded length and records the length of each of its ResourceSpans and ScopeSpans in
    /// <see cref="PushWorkspace.GroupSizes"/>, in exactly the order <see cref="RecordEncoder"/> writes them.
    /// Traces whose record entry would exceed <paramref name="maxRecordBytes"/> are marked too large.
    /// </summary>
    public static void ComputeSizes(PushWorkspace workspace, int maxRecordBytes)
    {
        var spans = workspace.Spans;
        var scopes = workspace.Scopes;
        var resources = workspace.Resources;
        for (var t = 0; t < workspace.TraceCount; t++)
        {
            ref var trace = ref workspace.Traces[t];
            trace.GroupSizesStart = workspace.GroupSizeCount;
            long traceLength = 0;
            var s = trace.Head;
            while (s != -1)
            {
                var resourceIndex = scopes[spans[s].Scope].Resource;
                ref readonly var resource = ref resources[resourceIndex];
                var resourceSlot = workspace.GroupSizeCount;
                workspace.AddGroupSize(0);
                long resourceSpansLength = resource.HasResource ? ProtoSpanWriter.LengthDelimitedSize(resource.Resource.Length) : 0;
                while (s != -1 && scopes[spans[s].Scope].Resource == resourceIndex)
                {
                    var scopeIndex = spans[s].Scope;
                    ref readonly var scope = ref scopes[scopeIndex];
                    var scopeSlot = workspace.GroupSizeCount;
                    workspace.AddGroupSize(0);
                    long scopeSpansLength = scope.HasScope ? ProtoSpanWriter.LengthDelimitedSize(scope.Scope.Length) : 0;
                    while (s != -1 && spans[s].Scope == scopeIndex)
                    {
                        scopeSpansLength += ProtoSpanWriter.LengthDelimitedSize(spans[s].Bytes.Length);
                        s = spans[s].Next;
                    }

                    if (!scope.SchemaUrl.IsEmpty)
                    {
                        scopeSpansLength += ProtoSpanWriter.LengthDelimitedSize(scope.SchemaUrl.Length);
                    }

                    workspace.GroupSizes[scopeSlot] = Clamp(scopeSpansLength);
                    resourceSpansLength += LengthDelimitedSize(scopeSpansLength);
                }

                if (!resource.SchemaUrl.IsEmpty)
                {
                    resourceSpansLength += ProtoSpanWriter.LengthDelimitedSize(resource.SchemaUrl.Length);
                }

                workspace.GroupSizes[resourceSlot] = Clamp(resourceSpansLength);
                traceLength += LengthDelimitedSize(resourceSpansLength);
            }

            trace.EncodedLength = Clamp(traceLength);
            trace.TooLarge = RecordEncoder.EntrySize(traceLength) > maxRecordBytes;
        }
    }

    // Lengths are summed in 64 bits so a hostile request cannot overflow them; anything that large is rejected as
    // too large before it is ever encoded, so the clamped value is never written.
    private static long LengthDelimitedSize(long length) => 1 + Varint.Size((uint)Math.Min(length, uint.MaxValue)) + length;

    private static int Clamp(long length) => (int)Math.Min(length, int.MaxValue);
}

/// <summary>Spans refused by validation, by Tempo discard reason.</summary>
internal struct RejectedSpanCounts
{
    public int InvalidTraceId;
    public int InvalidSpanId;
    public int TraceTooLarge;
    public int TraceTooLargeTraces;

    public readonly int Total => InvalidTraceId + InvalidSpanId + TraceTooLarge;
}
