using System.Buffers.Binary;

namespace Tempo.Streaming.LiveStore.Storage;

/// <summary>
/// Per-trace bookkeeping kept in the <c>index</c> column family next to the fragments and written in the same batch:
/// the time range the trace covers (for start/end on trace by ID) and the bytes and spans stored so far (for
/// <c>max_bytes_per_trace</c>). Persisting it keeps the limit decision a deterministic function of the log: after a
/// crash the store resumes with exactly the totals that were current at the stored offset.
/// </summary>
internal struct TraceSummary
{
    public const int EncodedLength = 28;

    public ulong StartUnixNanos;
    public ulong EndUnixNanos;
    public long Bytes;
    public int Spans;

    public readonly bool IsEmpty => Spans == 0 && Bytes == 0;

    public void Include(ulong startUnixNanos, ulong endUnixNanos, long bytes, int spans)
    {
        if (spans > 0)
        {
            StartUnixNanos = IsEmpty || startUnixNanos < StartUnixNanos ? startUnixNanos : StartUnixNanos;
            EndUnixNanos = Math.Max(EndUnixNanos, endUnixNanos);
        }

        Bytes += bytes;
        Spans += spans;
    }

    public readonly void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, StartUnixNanos);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], EndUnixNanos);
        BinaryPrimitives.WriteInt64BigEndian(destination[16..], Bytes);
        BinaryPrimitives.WriteInt32BigEndian(destination[24..], Spans);
    }

    public static TraceSummary Read(ReadOnlySpan<byte> source)
    {
        if (source.Length != EncodedLength)
        {
            throw new InvalidDataException($"a trace summary is {EncodedLength} bytes, found {source.Length}");
        }

        return new TraceSummary
        {
            StartUnixNanos = BinaryPrimitives.ReadUInt64BigEndian(source),
            EndUnixNanos = BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
            Bytes = BinaryPrimitives.ReadInt64BigEndian(source[16..]),
            Spans = BinaryPrimitives.ReadInt32BigEndian(source[24..]),
        };
    }
}
