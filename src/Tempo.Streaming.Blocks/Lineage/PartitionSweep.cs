namespace Tempo.Streaming.Blocks.Lineage;

/// <summary>
/// One partition's audit (semantics in <see cref="LineageAudit"/>): a sweep over the offset line, cut at every range
/// start, range end + 1 and at the audited range's bounds, so between two cut points the set of covering blocks is
/// constant. Each such run is classified once (covered, gap, overlap) and joined with the previous run when nothing that
/// matters to the report changes. O(n log n) in the number of ranges; the active set holds the blocks over one offset.
/// </summary>
internal sealed class PartitionSweep
{
    /// <summary>A block range, or an empty range when <see cref="Block"/> is null.</summary>
    private readonly record struct Item(long First, long Last, LineageBlock? Block);

    private readonly PartitionOffsets _offsets;
    private readonly string? _tenant;
    private readonly List<Item> _items = [];

    public PartitionSweep(PartitionOffsets offsets, string? tenant)
    {
        _offsets = offsets;
        _tenant = tenant;
        foreach (var empty in offsets.EmptyRanges)
        {
            _items.Add(new Item(empty.FirstOffset, empty.LastOffset, null));
        }
    }

    public void Add(OffsetRange range, LineageBlock block) => _items.Add(new Item(range.FirstOffset, range.LastOffset, block));

    public PartitionLineage Run()
    {
        _items.Sort((a, b) => a.First.CompareTo(b.First));
        var audited = AuditedRange();
        var points = new SortedSet<long>();
        foreach (var item in _items)
        {
            points.Add(item.First);
            points.Add(item.Last + 1);
        }
        if (audited is { } window)
        {
            points.Add(window.FirstOffset);
            points.Add(window.LastOffset + 1);
        }

        var covered = new CoveredRuns(_tenant);
        var gaps = new List<GapRun>();
        var overlaps = new List<OverlapRun>();
        var openOverlaps = new Dictionary<string, OverlapRun>(StringComparer.Ordinal);
        var active = new List<Item>();
        var next = 0;
        long? previous = null;
        foreach (var point in points)
        {
            if (previous is { } first)
            {
                var last = point - 1;
                active.RemoveAll(item => item.Last < first);
                // Every range start is a cut point, so a range joins exactly at the run it starts.
                while (next < _items.Count && _items[next].First <= first)
                {
                    active.Add(_items[next++]);
                }
                covered.Add(first, last, active);
                if (audited is { } w && first >= w.FirstOffset && last <= w.LastOffset)
                {
                    AddGap(gaps, first, last, active);
                }
                AddOverlaps(overlaps, openOverlaps, first, last, active);
            }
            previous = point;
        }

        return new PartitionLineage(
            _offsets.Topic,
            _offsets.Partition,
            _offsets,
            audited,
            covered.ToList(),
            gaps.ConvertAll(g => new LineageGap(g.First, g.Last, g.Compacted)),
            overlaps.ConvertAll(o => new LineageOverlap(o.Tenant, o.First, o.Last, o.BlockIds)),
            NotYetFlushed());
    }

    /// <summary>[start, end) as <see cref="LineageAudit"/> defines it, inclusive here; null when empty.</summary>
    private OffsetRange? AuditedRange()
    {
        long? lowest = null, highestEnd = null;
        foreach (var item in _items)
        {
            lowest = Math.Min(lowest ?? long.MaxValue, item.First);
            highestEnd = Math.Max(highestEnd ?? 0, item.Last + 1);
        }
        var start = Math.Min(_offsets.LogStartOffset ?? long.MaxValue, lowest ?? long.MaxValue);
        if (start == long.MaxValue)
        {
            start = 0;
        }
        var end = FlushedEnd() ?? highestEnd ?? 0;
        return end > start ? new OffsetRange(start, end - 1) : null;
    }

    /// <summary>The offset below which the ingest side says everything is in blocks, when it said anything.</summary>
    private long? FlushedEnd() => (_offsets.FlushedOffset, _offsets.CommittedOffset) switch
    {
        ({ } flushed, { } committed) => Math.Max(flushed, committed),
        ({ } flushed, null) => flushed,
        (null, { } committed) => committed,
        _ => null,
    };

    private OffsetRange? NotYetFlushed() =>
        FlushedEnd() is { } end && _offsets.HighWatermark is { } high && high > end ? new OffsetRange(end, high - 1) : null;

    private void AddGap(List<GapRun> gaps, long first, long last, List<Item> active)
    {
        var compacted = new List<LineageBlockRef>();
        foreach (var item in active)
        {
            if (item.Block is null || !item.Block.Compacted)
            {
                return; // an empty range or a live block: not a gap
            }
            if (LineageAudit.Visible(item.Block.Tenant, _tenant))
            {
                compacted.Add(item.Block.Ref);
            }
        }
        if (gaps.Count > 0 && gaps[^1].Last + 1 == first)
        {
            var open = gaps[^1];
            open.Last = last;
            foreach (var block in compacted)
            {
                if (!open.Compacted.Contains(block))
                {
                    open.Compacted.Add(block);
                }
            }
            open.Compacted.Sort(LineageAudit.BlockRefOrder);
            return;
        }
        compacted.Sort(LineageAudit.BlockRefOrder);
        gaps.Add(new GapRun { First = first, Last = last, Compacted = compacted });
    }

    private void AddOverlaps(List<OverlapRun> overlaps, Dictionary<string, OverlapRun> open, long first, long last, List<Item> active)
    {
        Dictionary<string, List<Guid>>? liveByTenant = null;
        foreach (var item in active)
        {
            if (item.Block is not { Compacted: false } block || !LineageAudit.Visible(block.Tenant, _tenant))
            {
                continue;
            }
            liveByTenant ??= new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
            if (!liveByTenant.TryGetValue(block.Tenant, out var ids))
            {
                liveByTenant[block.Tenant] = ids = [];
            }
            ids.Add(block.BlockId);
        }
        if (liveByTenant is null)
        {
            return;
        }
        foreach (var (tenant, ids) in liveByTenant)
        {
            if (ids.Count < 2)
            {
                continue;
            }
            ids.Sort();
            if (open.TryGetValue(tenant, out var run) && run.Last + 1 == first && run.BlockIds.SequenceEqual(ids))
            {
                run.Last = last;
                continue;
            }
            run = new OverlapRun { Tenant = tenant, First = first, Last = last, BlockIds = ids };
            overlaps.Add(run);
            open[tenant] = run;
        }
    }

    private sealed class GapRun
    {
        public long First { get; init; }
        public long Last { get; set; }
        public required List<LineageBlockRef> Compacted { get; init; }
    }

    private sealed class OverlapRun
    {
        public required string Tenant { get; init; }
        public long First { get; init; }
        public long Last { get; set; }
        public required List<Guid> BlockIds { get; init; }
    }

    /// <summary>
    /// Covered runs, joined while the listed blocks and the empty flag stay the same. With a tenant filter only that
    /// tenant's blocks are listed (runs where it has none are left out) and other tenants' blocks are counted, as the
    /// distinct blocks over the whole joined run.
    /// </summary>
    private sealed class CoveredRuns(string? tenant)
    {
        private readonly List<(long First, long Last, bool Empty, List<LineageBlockRef> Blocks, HashSet<(string, Guid)> Others)> _runs = [];

        public void Add(long first, long last, List<Item> active)
        {
            if (active.Count == 0)
            {
                return;
            }
            var empty = false;
            var blocks = new List<LineageBlockRef>();
            var others = new HashSet<(string, Guid)>();
            foreach (var item in active)
            {
                if (item.Block is not { } block)
                {
                    empty = true;
                }
                else if (LineageAudit.Visible(block.Tenant, tenant))
                {
                    blocks.Add(block.Ref);
                }
                else
                {
                    others.Add((block.Tenant, block.BlockId));
                }
            }
            if (tenant is not null && blocks.Count == 0)
            {
                return;
            }
            blocks.Sort(LineageAudit.BlockRefOrder);
            if (_runs.Count > 0 && _runs[^1] is var previous && previous.Last + 1 == first && previous.Empty == empty
                && previous.Blocks.SequenceEqual(blocks))
            {
                previous.Others.UnionWith(others);
                _runs[^1] = previous with { Last = last };
                return;
            }
            _runs.Add((first, last, empty, blocks, others));
        }

        public List<CoveredRange> ToList() => _runs.ConvertAll(r => new CoveredRange(r.First, r.Last, r.Empty, r.Blocks, r.Others.Count));
    }
}
