using System.Buffers.Binary;

namespace Tempo.Streaming.LiveStore.Storage;

/// <summary>
/// Per-trace bookkeeping kept in the <c>index</c> column family next to the fragments and written in the same batch:
/// the time range the trace covers (for start/end on trace by ID), the bytes and spans stored so far (for
/// <c>max_bytes_per_trace</c>), and where its fragments are. Persisting it keeps the limit decision a deterministic
/// function of the log: after a crash the store resumes with exactly the totals that were current at the stored offset.
/// <para>
/// The fragment references turn trace by ID into point lookups, which RocksDB's bloom filters answer from the one
/// file holding each key; a range scan must instead visit every L0 file and every level. A trace with more than
/// <see cref="MaxFragmentRefs"/> fragments (spans trickling in over many pushes) stops listing them — rewriting a long
/// list on every fragment would cost quadratic bytes — and is read with a range scan.
/// </para>
/// Encoding: start(8) end(8) bytes(8) spans(4) refCount(4, -1 = not listed) then refCount × (partition(4) offset(8) idx(4)).
/// </summary>
internal sealed class TraceSummary
{
    public const int FixedLength = 32;
    public const int RefLength = 16;
    public const int MaxFragmentRefs = 64;

    private readonly List<FragmentRef> _refs = [];

    public ulong StartUnixNanos { get; private set; }

    public ulong EndUnixNanos { get; private set; }

    public long Bytes { get; private set; }

    public int Spans { get; private set; }

    /// <summary>Where the fragments are, or null when there are too many to list (use a range scan).</summary>
    public IReadOnlyList<FragmentRef>? FragmentRefs => _refsOverflowed ? null : _refs;

    private bool _refsOverflowed;

    public int EncodedLength => FixedLength + (_refsOverflowed ? 0 : _refs.Count * RefLength);

    public void Include(ulong startUnixNanos, ulong endUnixNanos, long bytes, int spans, FragmentRef fragment)
    {
        if (spans > 0)
        {
            StartUnixNanos = Spans == 0 || startUnixNanos < StartUnixNanos ? startUnixNanos : StartUnixNanos;
            EndUnixNanos = Math.Max(EndUnixNanos, endUnixNanos);
        }

        Bytes += bytes;
        Spans += spans;
        if (!_refsOverflowed)
        {
            if (_refs.Count == MaxFragmentRefs)
            {
                _refsOverflowed = true;
                _refs.Clear();
            }
            else
            {
                _refs.Add(fragment);
            }
        }
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, StartUnixNanos);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], EndUnixNanos);
        BinaryPrimitives.WriteInt64BigEndian(destination[16..], Bytes);
        BinaryPrimitives.WriteInt32BigEndian(destination[24..], Spans);
        BinaryPrimitives.WriteInt32BigEndian(destination[28..], _refsOverflowed ? -1 : _refs.Count);
        if (_refsOverflowed)
        {
            return;
        }

        var position = FixedLength;
        foreach (var fragment in _refs)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination[position..], fragment.Partition);
            BinaryPrimitives.WriteInt64BigEndian(destination[(position + 4)..], fragment.Offset);
            BinaryPrimitives.WriteInt32BigEndian(destination[(position + 12)..], fragment.Index);
            position += RefLength;
        }
    }

    /// <summary>
    /// From an encoded summary, without decoding it: whether it lists a fragment of <paramref name="partition"/> after
    /// <paramref name="offset"/> (true), lists only fragments of that partition at or before it (false), or cannot tell
    /// (null: the fragments are not listed, or some are in other partitions).
    /// </summary>
    public static bool? ListsFragmentsAfter(ReadOnlySpan<byte> source, int partition, long offset)
    {
        var refCount = ValidatedRefCount(source);
        if (refCount < 0)
        {
            return null;
        }

        var otherPartitions = false;
        for (var i = 0; i < refCount; i++)
        {
            var entry = source[(FixedLength + i * RefLength)..];
            if (BinaryPrimitives.ReadInt32BigEndian(entry) != partition)
            {
                otherPartitions = true;
            }
            else if (BinaryPrimitives.ReadInt64BigEndian(entry[4..]) > offset)
            {
                return true;
            }
        }

        return otherPartitions ? null : false;
    }

    public static TraceSummary Read(ReadOnlySpan<byte> source)
    {
        var refCount = ValidatedRefCount(source);

        var summary = new TraceSummary
        {
            StartUnixNanos = BinaryPrimitives.ReadUInt64BigEndian(source),
            EndUnixNanos = BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
            Bytes = BinaryPrimitives.ReadInt64BigEndian(source[16..]),
            Spans = BinaryPrimitives.ReadInt32BigEndian(source[24..]),
            _refsOverflowed = refCount < 0,
        };
        for (var i = 0; i < refCount; i++)
        {
            var entry = source[(FixedLength + i * RefLength)..];
            summary._refs.Add(new FragmentRef(BinaryPrimitives.ReadInt32BigEndian(entry), BinaryPrimitives.ReadInt64BigEndian(entry[4..]),
                BinaryPrimitives.ReadInt32BigEndian(entry[12..])));
        }

        return summary;
    }

    /// <summary>The encoded reference count (-1 = not listed), after checking the length agrees with it.</summary>
    private static int ValidatedRefCount(ReadOnlySpan<byte> source)
    {
        var refCount = source.Length >= FixedLength ? BinaryPrimitives.ReadInt32BigEndian(source[28..]) : 0;
        if (source.Length < FixedLength || refCount < -1 || source.Length != FixedLength + Math.Max(0, refCount) * RefLength)
        {
            throw new InvalidDataException($"a trace summary of {source.Length} bytes is malformed");
        }

        return refCount;
    }
}

/// <summary>The (partition, offset, index in record) that names a stored fragment.</summary>
internal readonly record struct FragmentRef(int Partition, long Offset, int Index);
