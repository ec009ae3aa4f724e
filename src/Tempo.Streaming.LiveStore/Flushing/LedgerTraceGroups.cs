using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.LiveStore.Storage;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// One tenant's fragments of a flush range as the block writer's trace groups: the ledger's fragment list sorted by
/// trace ID (ties in log order, so a trace's fragments combine as they would in log order), each fragment read from
/// the traces family only when its group is enumerated. The survey comes from the ledger's span counts
/// (<see cref="StoredSpansPerGroup"/>), so a cut reads the fragments once, for the rows. A writer that enumerates the
/// groups more than once (the dedicated-column sample) gets a retain budget: the first pass keeps what it read in
/// memory and later passes read from there instead of RocksDB. Past the budget the copy is dropped and later passes
/// read RocksDB again, so a huge forced cut costs reads, not memory.
/// </summary>
internal sealed class LedgerTraceGroups : ITraceFragmentGroups, IDisposable
{
    /// <summary>Fragments read with one MultiGet (whole groups; a group with more is read alone).</summary>
    private const int ReadBatchFragments = 256;

    private readonly LiveStoreDatabase _db;
    private readonly int _partition;
    private readonly LedgerFragment[] _sorted;
    private readonly TraceId[] _ids;
    private readonly long _retainBudgetBytes;
    private readonly ArenaChunkPool _chunks;
    private FragmentArena? _retained; // every fragment, once a first pass has completed within the budget

    /// <param name="retainBudgetBytes">Fragment bytes the first pass may keep for later passes (0: keep none).</param>
    /// <param name="chunks">Where the kept bytes' memory comes from and goes back to (<see cref="Dispose"/>).</param>
    public LedgerTraceGroups(LiveStoreDatabase db, int partition, List<LedgerFragment> fragmentsInLogOrder, long retainBudgetBytes,
        ArenaChunkPool chunks)
    {
        _chunks = chunks;
        _db = db;
        _partition = partition;
        _retainBudgetBytes = retainBudgetBytes;
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

    /// <summary>Each group's spans, summed over its fragments as the ledger counted them at consume time (nothing is read).</summary>
    public IEnumerable<int> StoredSpansPerGroup()
    {
        foreach (var (start, end) in GroupBounds())
        {
            var spans = 0;
            for (var i = start; i < end; i++)
            {
                spans = checked(spans + _sorted[i].Spans);
            }
            yield return spans;
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
    /// The fragments as stored, a group at a time (the survey counts them and the row writer writes them without
    /// parsing); a group's memories stay valid until the enumeration moves on.
    /// </summary>
    public IEnumerable<EncodedFragmentGroup> EncodedGroups()
    {
        var fragments = new List<ReadOnlyMemory<byte>>();
        if (_retained is { } retained)
        {
            foreach (var (start, end) in GroupBounds())
            {
                fragments.Clear();
                for (var i = start; i < end; i++)
                {
                    fragments.Add(retained.Get(i));
                }
                yield return new EncodedFragmentGroup(_sorted[start].TraceId, fragments);
            }
            yield break;
        }

        // Groups are read a batch at a time with one MultiGet. A pass that may be kept reads into the arena; once over
        // the budget it drops the arena and reads the rest of the batches into one reused buffer.
        var arena = _retainBudgetBytes > 0 ? new FragmentArena(_chunks, _sorted.Length) : null;
        var scratch = new FragmentArena(_chunks, 0);
        var bounds = GroupBounds().ToList();
        try
        {
            for (var batchStart = 0; batchStart < bounds.Count;)
            {
                var batchEnd = batchStart + 1;
                while (batchEnd < bounds.Count && bounds[batchEnd].End - bounds[batchStart].Start <= ReadBatchFragments)
                {
                    batchEnd++;
                }
                var (first, last) = (bounds[batchStart].Start, bounds[batchEnd - 1].End);
                if (arena is not null && !ReadInto(arena, first, last, _retainBudgetBytes))
                {
                    arena.Release(); // the groups it held were handed out and passed
                    arena = null;
                }
                if (arena is null)
                {
                    scratch.Reset();
                    ReadInto(scratch, first, last, long.MaxValue);
                }
                var from = arena ?? scratch;
                var ordinalBase = arena is null ? first : 0;
                for (var group = batchStart; group < batchEnd; group++)
                {
                    fragments.Clear();
                    for (var i = bounds[group].Start; i < bounds[group].End; i++)
                    {
                        fragments.Add(from.Get(i - ordinalBase));
                    }
                    yield return new EncodedFragmentGroup(_sorted[bounds[group].Start].TraceId, fragments);
                }
                batchStart = batchEnd;
            }
            if (_retained is null && arena is not null)
            {
                _retained = arena;
                arena = null;
            }
        }
        finally
        {
            arena?.Release(); // a pass left early, or a later pass's copy
            scratch.Release();
        }
    }

    /// <summary>Gives the kept fragments' memory back to the pool; the groups must not be enumerated any more.</summary>
    public void Dispose()
    {
        _retained?.Release();
        _retained = null;
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
            // Fragments were validated when consumed (RecordPreparer), so a parse failure here is corruption, not bad input.
            if (_retained is { } retained)
            {
                yield return new TraceFragment(_sorted[i].TraceId, Trace.Parser.ParseFrom(retained.Get(i).Span));
                continue;
            }
            var length = WriteKey(ref key, _sorted[i]);
            var value = _db.Db.Get(_db.Traces, key.AsSpan(0, length)) ?? throw Missing(_sorted[i]);
            yield return new TraceFragment(_sorted[i].TraceId, Trace.Parser.ParseFrom(value));
        }
    }

    /// <summary>
    /// Appends fragments [start, end) to <paramref name="arena"/> with one MultiGet; false (some may be in) when the
    /// arena would pass <paramref name="budgetBytes"/>.
    /// </summary>
    private bool ReadInto(FragmentArena arena, int start, int end, long budgetBytes)
    {
        var count = end - start;
        if (arena.KeyLengths.Length < count)
        {
            arena.KeyLengths = new int[Math.Max(count, arena.KeyLengths.Length * 2)];
        }
        var used = 0;
        for (var i = start; i < end; i++)
        {
            var length = _sorted[i].TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength;
            if (arena.Key.Length < used + length)
            {
                Array.Resize(ref arena.Key, Math.Max(used + length, arena.Key.Length * 2));
            }
            LiveStoreKeys.WriteFragmentKey(arena.Key.AsSpan(used), _sorted[i].TenantPrefix, _sorted[i].TraceId, _partition,
                _sorted[i].Offset, _sorted[i].Index);
            arena.KeyLengths[i - start] = length;
            used += length;
        }
        // The keys ascend as the traces family orders them: one tenant, then trace ID, partition, offset and index.
        _db.Db.MultiGetSorted(_db.Traces, arena.Key.AsSpan(0, used), arena.KeyLengths.AsSpan(0, count), 
            (Groups: this, Arena: arena, Start: start, Budget: budgetBytes),
            static (index, found, value, state) =>
            {
                if (!found)
                {
                    throw state.Groups.Missing(state.Groups._sorted[state.Start + index]);
                }
                state.Arena.TryAppend(value, state.Budget);
            });
        return !arena.OverBudget;
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

    /// <summary>
    /// Fragment bytes in chunks that are never moved (a memory handed out stays valid), addressed by the order they were
    /// appended in, plus the key buffers of the reads that fill it.
    /// </summary>
    private sealed class FragmentArena
    {
        private const int ChunkBytes = ArenaChunkPool.ChunkBytes;
        private readonly ArenaChunkPool _pool;
        private readonly List<byte[]> _chunks = [];
        private readonly List<(int Chunk, int Offset, int Length)> _fragments;
        private int _used = ChunkBytes; // of the last chunk: full, so the first append allocates
        private long _bytes;

        public byte[] Key = new byte[256];
        public int[] KeyLengths = new int[64];

        public FragmentArena(ArenaChunkPool pool, int expectedFragments)
        {
            _pool = pool;
            _fragments = new(expectedFragments);
        }

        /// <summary>Set when an append was refused for the budget (the arena is then incomplete).</summary>
        public bool OverBudget { get; private set; }

        /// <summary>Empties the arena, keeping its first chunk (a reused one-group buffer).</summary>
        public void Reset()
        {
            for (var i = _chunks.Count - 1; i > 0; i--)
            {
                _pool.Return(_chunks[i]);
                _chunks.RemoveAt(i);
            }
            _fragments.Clear();
            _used = _chunks.Count == 0 ? ChunkBytes : 0;
            _bytes = 0;
            OverBudget = false;
        }

        public void TryAppend(ReadOnlySpan<byte> value, long budgetBytes)
        {
            if (_bytes + value.Length > budgetBytes)
            {
                OverBudget = true;
                return;
            }
            if (ChunkBytes - _used < value.Length)
            {
                _chunks.Add(value.Length <= ChunkBytes ? _pool.Rent() : GC.AllocateUninitializedArray<byte>(value.Length));
                _used = 0;
            }
            value.CopyTo(_chunks[^1].AsSpan(_used));
            _fragments.Add((_chunks.Count - 1, _used, value.Length));
            _used += value.Length;
            _bytes += value.Length;
        }

        /// <summary>Returns the chunks to the pool; the arena is empty afterwards.</summary>
        public void Release()
        {
            foreach (var chunk in _chunks)
            {
                _pool.Return(chunk);
            }
            _chunks.Clear();
            _fragments.Clear();
            _used = ChunkBytes;
            _bytes = 0;
        }

        public ReadOnlyMemory<byte> Get(int ordinal)
        {
            var (chunk, offset, length) = _fragments[ordinal];
            return _chunks[chunk].AsMemory(offset, length);
        }
    }
}
