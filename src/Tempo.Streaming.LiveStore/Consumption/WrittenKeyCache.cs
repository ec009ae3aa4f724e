namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// Remembers (by 64-bit hash, in a fixed direct-mapped table) which tag-index keys were written recently, so a value
/// seen on every span is written once per minute rather than once per span. A slot holds one hash: a collision evicts
/// the older key, which costs only an idempotent re-put. One probe is one memory access — the table is a fixed 4 MiB —
/// which matters because the apply step that probes it runs under the store's lock. A claim is made while the write
/// batch is assembled; when that batch is not written the caller clears the cache, so a key is never remembered as
/// written when it is not. The partitions' preparers peek at it (<see cref="Contains"/>, outside the lock) to skip
/// building keys already written.
/// </summary>
internal sealed class WrittenKeyCache
{
    private const int SlotBits = 19;
    private readonly ulong[] _slots = new ulong[1 << SlotBits];

    /// <summary>True when the key was not remembered (the caller writes it); it is remembered from now on.</summary>
    public bool TryClaim(ulong hash)
    {
        hash |= 1; // 0 marks an empty slot
        ref var slot = ref _slots[(int)(hash >> (64 - SlotBits))];
        if (slot == hash)
        {
            return false;
        }

        slot = hash;
        return true;
    }

    /// <summary>
    /// Whether the key is remembered as written (claimed by a batch). Safe to call from any thread while batches are
    /// assembled: a slot is one aligned 64-bit word. A key claimed by a batch whose write then fails is cleared and
    /// put again when that batch's records are retried, so a preparer that skipped it on the strength of this answer
    /// loses nothing.
    /// </summary>
    public bool Contains(ulong hash)
    {
        hash |= 1;
        return Volatile.Read(ref _slots[(int)(hash >> (64 - SlotBits))]) == hash;
    }

    public void Clear() => Array.Clear(_slots);
}
