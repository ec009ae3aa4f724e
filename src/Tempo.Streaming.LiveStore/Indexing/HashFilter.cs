namespace Tempo.Streaming.LiveStore.Indexing;

/// <summary>
/// A set of 64-bit key hashes for one fragment at a time: open addressing with linear probing in a power-of-two table,
/// emptied between fragments. It replaces a <see cref="HashSet{T}"/> whose per-call overhead (hash-code folding,
/// modulo, entry chains) was 7% of consumption; the hashes here are already well mixed, so their top bits are the slot.
/// Not thread-safe.
/// </summary>
internal sealed class HashFilter
{
    private const int InitialSlots = 256;
    private const int MaxKeptSlots = 4096;

    private ulong[] _slots = new ulong[InitialSlots];
    private int _count;

    /// <summary>Adds <paramref name="hash"/>; false when it was already in the set.</summary>
    public bool Add(ulong hash)
    {
        hash |= 1; // 0 marks an empty slot
        var mask = _slots.Length - 1;
        var slot = (int)(hash >> 40) & mask;
        while (true)
        {
            var held = _slots[slot];
            if (held == hash)
            {
                return false;
            }
            if (held == 0)
            {
                break;
            }
            slot = (slot + 1) & mask;
        }

        _slots[slot] = hash;
        if (++_count * 2 > _slots.Length)
        {
            Grow();
        }
        return true;
    }

    public void Clear()
    {
        if (_slots.Length > MaxKeptSlots)
        {
            _slots = new ulong[InitialSlots]; // one huge fragment should not make every later Clear slow
        }
        else if (_count > 0)
        {
            Array.Clear(_slots);
        }
        _count = 0;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var hash in old)
        {
            if (hash == 0)
            {
                continue;
            }
            var slot = (int)(hash >> 40) & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }
            _slots[slot] = hash;
        }
    }
}
