using System.Buffers;
using System.Runtime.InteropServices;
using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.Distributor.Regrouping;

/// <summary>
/// Encodes the ingest-log records of a push (ARCHITECTURE.md §3): per partition, one or more
/// <c>tempopb.PushBytesRequest { repeated bytes traces = 2; repeated bytes ids = 3; }</c> values, each trace a
/// marshalled <c>tempopb.Trace</c> with its 16-byte ID at the same index. Traces are packed in request order and a
/// new record starts when the next trace would push the value past <c>max_record_bytes</c>, as Tempo's
/// <c>ingest.Encode</c> splits. Each record value is written in a single pass into an array rented from the shared
/// pool (records of a 1000-span push are ~100 KB each: fresh arrays would land on the large-object heap and cost a
/// gen-2 collection every few pushes); <see cref="ReturnBuffers"/> gives them back once the log no longer needs them.
/// </summary>
internal static class RecordEncoder
{
    private static readonly byte TracesTag = WireTag.SingleByte(2, WireType.LengthDelimited);
    private static readonly byte IdsTag = WireTag.SingleByte(3, WireType.LengthDelimited);
    private static readonly byte ResourceSpansTag = WireTag.SingleByte(1, WireType.LengthDelimited);
    private static readonly byte ResourceTag = WireTag.SingleByte(1, WireType.LengthDelimited);
    private static readonly byte ScopeSpansTag = WireTag.SingleByte(2, WireType.LengthDelimited);
    private static readonly byte ScopeTag = WireTag.SingleByte(1, WireType.LengthDelimited);
    private static readonly byte SpanTag = WireTag.SingleByte(2, WireType.LengthDelimited);
    private static readonly byte SchemaUrlTag = WireTag.SingleByte(3, WireType.LengthDelimited);

    /// <summary>Bytes a trace adds to a PushBytesRequest: the traces entry plus its 16-byte ids entry.</summary>
    public static long EntrySize(long traceLength) =>
        1 + Varint.Size((uint)Math.Min(traceLength, uint.MaxValue)) + traceLength +
        ProtoSpanWriter.LengthDelimitedSize(TraceRegrouper.TraceIdLength);

    /// <summary>
    /// Orders the writable traces by partition (request order within a partition) into
    /// <see cref="PushWorkspace.TraceOrder"/> and returns how many there are.
    /// </summary>
    public static int OrderByPartition(PushWorkspace workspace)
    {
        var order = workspace.EnsureTraceOrder();
        var count = 0;
        for (var t = 0; t < workspace.TraceCount; t++)
        {
            if (!workspace.Traces[t].TooLarge)
            {
                order[count++] = t;
            }
        }

        // Insertion sort keyed by (partition, index): stable, allocation-free, and the input is usually short and
        // spread over few partitions.
        var traces = workspace.Traces;
        for (var i = 1; i < count; i++)
        {
            var current = order[i];
            var partition = traces[current].Partition;
            var j = i - 1;
            while (j >= 0 && traces[order[j]].Partition > partition)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = current;
        }

        return count;
    }

    /// <summary>Builds the records of every partition: one batch per partition, records in append order.</summary>
    public static List<PartitionBatch> Encode(ReadOnlySpan<byte> payload, PushWorkspace workspace, int orderedCount,
        int maxRecordBytes, ReadOnlyMemory<byte> key, DateTimeOffset timestamp)
    {
        var batches = new List<PartitionBatch>();
        var order = workspace.TraceOrder;
        var traces = workspace.Traces;
        var records = new List<IngestRecord>();
        var i = 0;
        while (i < orderedCount)
        {
            var partition = traces[order[i]].Partition;
            records.Clear();
            var spanCount = 0;
            var recordStart = i;
            long recordSize = 0;
            for (; i < orderedCount && traces[order[i]].Partition == partition; i++)
            {
                ref readonly var trace = ref traces[order[i]];
                var entry = EntrySize(trace.EncodedLength);
                if (recordSize > 0 && recordSize + entry > maxRecordBytes)
                {
                    records.Add(new IngestRecord(key, Write(payload, workspace, recordStart, i, (int)recordSize), timestamp));
                    recordStart = i;
                    recordSize = 0;
                }

                recordSize += entry;
                spanCount += trace.SpanCount;
            }

            records.Add(new IngestRecord(key, Write(payload, workspace, recordStart, i, (int)recordSize), timestamp));
            batches.Add(new PartitionBatch(partition, records.ToArray(), spanCount));
        }

        return batches;
    }

    /// <summary>
    /// Returns the record buffers of <paramref name="batches"/> to the pool. Call only once every append of them has
    /// completed: <see cref="IngestLog.IIngestLog.AppendAsync"/> promises to hold no reference after that.
    /// </summary>
    public static void ReturnBuffers(List<PartitionBatch> batches)
    {
        foreach (var batch in batches)
        {
            foreach (var record in batch.Records)
            {
                if (MemoryMarshal.TryGetArray(record.Value, out var segment) && segment.Array is { Length: > 0 } array)
                {
                    ArrayPool<byte>.Shared.Return(array);
                }
            }
        }
    }

    private static ReadOnlyMemory<byte> Write(ReadOnlySpan<byte> payload, PushWorkspace workspace, int from, int to, int size)
    {
        var value = ArrayPool<byte>.Shared.Rent(size);
        var writer = new ProtoSpanWriter(value.AsSpan(0, size));
        // Fields in number order, as protobuf serialisers emit them: every trace (2), then every ID (3).
        for (var k = from; k < to; k++)
        {
            WriteTrace(ref writer, workspace, workspace.TraceOrder[k]);
        }

        for (var k = from; k < to; k++)
        {
            var traceIdStart = workspace.Traces[workspace.TraceOrder[k]].TraceIdStart;
            writer.WriteLengthDelimited(IdsTag, payload.Slice(traceIdStart, TraceRegrouper.TraceIdLength));
        }

        if (writer.Position != size)
        {
            throw new InvalidOperationException($"record encoding wrote {writer.Position} bytes, sized {size}");
        }

        return new ReadOnlyMemory<byte>(value, 0, size);
    }

    private static void WriteTrace(ref ProtoSpanWriter writer, PushWorkspace workspace, int traceIndex)
    {
        var spans = workspace.Spans;
        var scopes = workspace.Scopes;
        var resources = workspace.Resources;
        var groupSizes = workspace.GroupSizes;
        ref readonly var trace = ref workspace.Traces[traceIndex];

        writer.WriteLengthPrefix(TracesTag, trace.EncodedLength);
        var g = trace.GroupSizesStart;
        var s = trace.Head;
        while (s != -1)
        {
            var resourceIndex = scopes[spans[s].Scope].Resource;
            ref readonly var resource = ref resources[resourceIndex];
            writer.WriteLengthPrefix(ResourceSpansTag, groupSizes[g++]);
            if (resource.HasResource)
            {
                writer.WriteLengthDelimited(ResourceTag, resource.Resource.Span);
            }

            while (s != -1 && scopes[spans[s].Scope].Resource == resourceIndex)
            {
                var scopeIndex = spans[s].Scope;
                ref readonly var scope = ref scopes[scopeIndex];
                writer.WriteLengthPrefix(ScopeSpansTag, groupSizes[g++]);
                if (scope.HasScope)
                {
                    writer.WriteLengthDelimited(ScopeTag, scope.Scope.Span);
                }

                while (s != -1 && spans[s].Scope == scopeIndex)
                {
                    writer.WriteLengthDelimited(SpanTag, spans[s].Bytes.Span);
                    s = spans[s].Next;
                }

                if (!scope.SchemaUrl.IsEmpty)
                {
                    writer.WriteLengthDelimited(SchemaUrlTag, scope.SchemaUrl.Span);
                }
            }

            if (!resource.SchemaUrl.IsEmpty)
            {
                writer.WriteLengthDelimited(SchemaUrlTag, resource.SchemaUrl.Span);
            }
        }
    }
}

/// <summary>The records one push appends to one partition, and how many spans they carry.</summary>
internal sealed record PartitionBatch(int Partition, IngestRecord[] Records, int SpanCount);
