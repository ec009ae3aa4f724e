using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// Puts for one column family, gathered and then added to a write batch in key order. RocksDB's memtable is a skip list
/// that remembers where its last insert went: a key just after the previous one is placed with a few comparisons, a
/// random one with a full descent (cache misses at every level). A consumed batch's trace IDs are random, so putting
/// them as they come made the skip-list descent the largest single cost of applying a batch. The order of puts of
/// distinct keys inside one write batch does not matter (the batch commits as a whole); a key put twice keeps its
/// last value, as it would in the batch.
/// </summary>
internal sealed class SortedPuts
{
    private byte[] _arena = new byte[64 * 1024];
    private int _used;
    private Entry[] _entries = new Entry[1024];
    private int _count;

    public int Count => _count;

    /// <summary>A put whose value is copied now.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var keyStart = Append(key);
        var valueStart = Append(value);
        AddEntry(new Entry(keyStart, key.Length, valueStart, value.Length, default, _count));
    }

    /// <summary>A put whose value is referenced, not copied: it must stay unchanged until <see cref="PutSorted"/>.</summary>
    public void AddReferenced(ReadOnlySpan<byte> key, ReadOnlyMemory<byte> value)
    {
        var keyStart = Append(key);
        AddEntry(new Entry(keyStart, key.Length, -1, 0, value, _count));
    }

    /// <summary>Adds every gathered put to <paramref name="batch"/> in ascending key order (the last of equal keys only), then forgets them.</summary>
    public void PutSorted(RocksWriteBatch batch, ColumnFamily family)
    {
        var entries = _entries.AsSpan(0, _count);
        entries.Sort(new KeyOrder(_arena));
        for (var i = 0; i < entries.Length; i++)
        {
            ref readonly var entry = ref entries[i];
            var key = _arena.AsSpan(entry.KeyStart, entry.KeyLength);
            // Equal keys are ordered by arrival (the sequence breaks ties): only the last one is put.
            if (i + 1 < entries.Length && key.SequenceEqual(_arena.AsSpan(entries[i + 1].KeyStart, entries[i + 1].KeyLength)))
            {
                continue;
            }
            var value = entry.ValueStart >= 0 ? _arena.AsSpan(entry.ValueStart, entry.ValueLength) : entry.Referenced.Span;
            batch.Put(family, key, value);
        }
        Clear();
    }

    public void Clear()
    {
        Array.Clear(_entries, 0, _count); // drop references to consumed records' memory
        _count = 0;
        _used = 0;
    }

    private int Append(ReadOnlySpan<byte> bytes)
    {
        if (_used + bytes.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + bytes.Length));
        }
        var start = _used;
        bytes.CopyTo(_arena.AsSpan(start));
        _used += bytes.Length;
        return start;
    }

    private void AddEntry(in Entry entry)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }
        _entries[_count++] = entry;
    }

    private readonly record struct Entry(int KeyStart, int KeyLength, int ValueStart, int ValueLength, ReadOnlyMemory<byte> Referenced, int Sequence);

    private readonly struct KeyOrder(byte[] arena) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y)
        {
            var byKey = arena.AsSpan(x.KeyStart, x.KeyLength).SequenceCompareTo(arena.AsSpan(y.KeyStart, y.KeyLength));
            return byKey != 0 ? byKey : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
