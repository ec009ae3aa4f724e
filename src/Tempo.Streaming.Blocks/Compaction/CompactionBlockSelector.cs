using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// Tempo's time-window block selector (tempodb/compaction_block_selector.go), per tenant: live blocks are grouped by
/// compaction window (their end time / <see cref="CompactorOptions.CompactionWindow"/>); inside the active window
/// (the last <see cref="CompactorOptions.ActiveWindow"/>) also by compaction level, so only blocks of similar size are
/// merged while data still arrives; older windows merge regardless of level. Within a group the smallest blocks go
/// first and are taken while the bounds hold (<see cref="CompactorOptions.MaxInputBlocks"/>, max objects, max bytes);
/// a compaction needs at least two inputs. Groups come oldest window first (Tempo starts with the most recent): older
/// windows are complete, so their merges are final, and a run cut short leaves only the freshest data uncompacted.
/// The result depends only on the metas, the time and the options, so a re-run makes the same choice.
/// </summary>
internal static class CompactionBlockSelector
{
    /// <summary>Group level for windows outside the active window, where levels are not kept apart.</summary>
    private const int AnyLevel = -1;

    public static List<IReadOnlyList<BlockMeta>> Select(IEnumerable<BlockMeta> liveBlocks, DateTimeOffset now, CompactorOptions options)
    {
        var windowSeconds = (long)options.CompactionWindow.TotalSeconds;
        var activeFrom = WindowOf(now - options.ActiveWindow, windowSeconds);
        var groups = new SortedDictionary<(long Window, int Level), List<BlockMeta>>();
        foreach (var meta in liveBlocks)
        {
            if (meta.CompactionLevel >= options.MaxCompactionLevel)
            {
                continue;
            }
            var window = WindowOf(meta.EndTime, windowSeconds);
            var key = (window, window >= activeFrom ? meta.CompactionLevel : AnyLevel);
            if (!groups.TryGetValue(key, out var group))
            {
                groups.Add(key, group = []);
            }
            group.Add(meta);
        }

        var jobs = new List<IReadOnlyList<BlockMeta>>();
        foreach (var group in groups.Values)
        {
            group.Sort(static (a, b) =>
            {
                var byObjects = a.TotalObjects.CompareTo(b.TotalObjects);
                if (byObjects != 0)
                {
                    return byObjects;
                }
                var bySize = a.Size.CompareTo(b.Size);
                return bySize != 0 ? bySize : a.BlockId.CompareTo(b.BlockId);
            });
            TakeJobs(group, options, jobs);
        }
        return jobs;
    }

    /// <summary>Cuts the size-sorted group into runs that fit the bounds; stops when a run would have fewer than two blocks.</summary>
    private static void TakeJobs(List<BlockMeta> group, CompactorOptions options, List<IReadOnlyList<BlockMeta>> jobs)
    {
        var start = 0;
        while (group.Count - start >= 2)
        {
            long objects = 0, bytes = 0;
            var end = start;
            while (end < group.Count && end - start < options.MaxInputBlocks &&
                   objects + group[end].TotalObjects <= options.MaxCompactionObjects &&
                   bytes + group[end].Size <= options.MaxBlockBytes)
            {
                objects += group[end].TotalObjects;
                bytes += group[end].Size;
                end++;
            }
            if (end - start < 2)
            {
                // Sorted by size: the blocks after this one are no smaller, so none of them fits either.
                return;
            }
            jobs.Add(group.GetRange(start, end - start));
            start = end;
        }
    }

    /// <summary>Tempo's window number: Unix seconds divided by the window length (floored).</summary>
    internal static long WindowOf(DateTimeOffset time, long windowSeconds)
        => (long)Math.Floor(time.ToUnixTimeSeconds() / (double)windowSeconds);
}
