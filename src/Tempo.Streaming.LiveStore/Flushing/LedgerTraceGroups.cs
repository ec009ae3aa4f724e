using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.LiveStore.Storage;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// One tenant's fragments of a flush range as the block writer's trace groups: the ledger's fragment list sorted by
/// trace ID (ties in log order, so a trace's fragments combine as they would in log order), each fragment read from
/// the traces family and parsed only when its group is enumerated.
/// </summary>
internal sealed class LedgerTraceGroups : ITraceFragmentGroups
{
    private readonly LiveStoreDatabase _db;
    private readonly int _partition;
    private readonly LedgerFragment[] _sorted;
    private readonly TraceId[] _ids;

    public LedgerTraceGroups(LiveStoreDatabase db, int partition, List<LedgerFragment> fragmentsInLogOrder)
    {
        _db = db;
        _partition = partition;
        var ids = new TraceId[fragmentsInLogOrder.Count];
        var order = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = TraceId.FromBytes(fragmentsInLogOrder[i].TraceId); // the ledger keeps 16-byte IDs
            order[i] = i;
        }
        // Array.Sort is not stable: ties are ordered by their place in the log explicitly.
        Array.Sort(order, (a, b) => ids[a].CompareTo(ids[b]) is var byId and not 0 ? byId : a.CompareTo(b));
        _sorted = new LedgerFragment[order.Length];
        _ids = new TraceId[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            _sorted[i] = fragmentsInLogOrder[order[i]];
            _ids[i] = ids[order[i]];
        }
    }

    public IEnumerable<IEnumerable<TraceFragment>> Groups()
    {
        foreach (var (start, end) in GroupBounds())
        {
            yield return Read(start, end);
        }
    }

    /// <summary>
    /// The fragments as stored, a group at a time copied into one reused buffer (the survey counts them and the row
    /// writer writes them without parsing).
    /// </summary>
    public IEnumerable<EncodedFragmentGroup> EncodedGroups()
    {
        var scratch = new Scratch();
        var fragments = new List<ReadOnlyMemory<byte>>();
        foreach (var (start, end) in GroupBounds())
        {
            ReadEncoded(start, end, scratch, fragments);
            yield return new EncodedFragmentGroup(_sorted[start].TraceId, fragments);
        }
    }

    /// <summary>[start, end) of each run of one trace ID in <see cref="_sorted"/>.</summary>
    private IEnumerable<(int Start, int End)> GroupBounds()
    {
        var start = 0;
        while (start < _sorted.Length)
        {
            var end = start + 1;
            while (end < _sorted.Length && _ids[end] == _ids[start])
            {
                end++;
            }
            yield return (start, end);
            start = end;
        }
    }

    private IEnumerable<TraceFragment> Read(int start, int end)
    {
        var key = new byte[256];
        for (var i = start; i < end; i++)
        {
            var length = WriteKey(ref key, _sorted[i]);
            var value = _db.Db.Get(_db.Traces, key.AsSpan(0, length)) ?? throw Missing(_sorted[i]);
            // Fragments were validated when consumed (RecordPreparer), so a parse failure here is corruption, not bad input.
            yield return new TraceFragment(_sorted[i].TraceId, Trace.Parser.ParseFrom(value));
        }
    }

    /// <summary>Reads fragments [start, end) into <paramref name="scratch"/> (reset first) and lists them in <paramref name="fragments"/>.</summary>
    private void ReadEncoded(int start, int end, Scratch scratch, List<ReadOnlyMemory<byte>> fragments)
    {
        scratch.Reset();
        var ranges = new (int Offset, int Length)[end - start];
        for (var i = start; i < end; i++)
        {
            var length = WriteKey(ref scratch.Key, _sorted[i]);
            if (!_db.Db.TryGet(_db.Traces, scratch.Key.AsSpan(0, length), scratch, static (value, into) => into.Append(value)))
            {
                throw Missing(_sorted[i]);
            }
            ranges[i - start] = scratch.Last;
        }
        // the buffer may have moved while growing: slice it only once every fragment is in
        fragments.Clear();
        foreach (var (offset, length) in ranges)
        {
            fragments.Add(scratch.Slice(offset, length));
        }
    }

    private int WriteKey(ref byte[] key, LedgerFragment fragment)
    {
        var length = fragment.TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength;
        if (key.Length < length) key = new byte[length];
        LiveStoreKeys.WriteFragmentKey(key, fragment.TenantPrefix, fragment.TraceId, _partition, fragment.Offset, fragment.Index);
        return length;
    }

    private InvalidDataException Missing(LedgerFragment fragment) => new(
        $"live store at {_db.Db.Path}: the ledger lists fragment {fragment.Index} of partition {_partition} offset {fragment.Offset} " +
        "but the fragment is missing; the range cannot be cut into a complete block");

    /// <summary>The key of one fragment and the values of one group, in arrays that only grow (reused across the whole pass).</summary>
    private sealed class Scratch
    {
        private byte[] _bytes = new byte[256 * 1024];
        private int _length;

        public byte[] Key = new byte[256];

        /// <summary>The offset and length of the value appended last.</summary>
        public (int Offset, int Length) Last { get; private set; }

        public void Reset() => _length = 0;

        public void Append(ReadOnlySpan<byte> value)
        {
            if (_bytes.Length - _length < value.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_length + value.Length, _bytes.Length * 2));
            }
            value.CopyTo(_bytes.AsSpan(_length));
            Last = (_length, value.Length);
            _length += value.Length;
        }

        public ReadOnlyMemory<byte> Slice(int offset, int length) => _bytes.AsMemory(offset, length);
    }
}
