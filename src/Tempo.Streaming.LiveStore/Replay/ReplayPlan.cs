using System.Globalization;

namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>What a stretch of offsets of a replay plan is.</summary>
public enum ReplaySegmentKind
{
    /// <summary>A range blocks record (their lineage) and live blocks cover: skipped unless forced, then replayed with these boundaries.</summary>
    Covered,

    /// <summary>
    /// A range only blocks marked compacted record (their compaction output is missing): replayed with these boundaries,
    /// which give the original cut's block IDs.
    /// </summary>
    Recorded,

    /// <summary>
    /// A range live blocks cover, but one tenant's block of it has a folder without a usable meta.json (a block write that
    /// was interrupted, by a crashed replay or flush): replayed with these boundaries, which finish that block.
    /// </summary>
    Interrupted,

    /// <summary>Offsets no block records: replayed, cut by max_block_bytes from the gap's start.</summary>
    Gap,

    /// <summary>
    /// A gap at or past the live store's committed offset: the live store has not flushed it yet and will cut it with its
    /// own boundaries, so a replay there would make overlapping blocks. Not replayed.
    /// </summary>
    NotYetFlushed,

    /// <summary>A range that would be replayed but is no longer (or not yet) entirely in the log: it cannot be rebuilt exactly.</summary>
    OutsideLog,
}

/// <summary>A stretch of offsets of one partition (inclusive) and whether the replay rebuilds it.</summary>
public sealed record ReplaySegment(ReplaySegmentKind Kind, long FirstOffset, long LastOffset, bool Replay)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{FirstOffset}-{LastOffset} {Kind.ToString().ToLowerInvariant()}{(Replay ? " (replay)" : " (skip)")}");
}

/// <summary>
/// A partition's replay: the requested offsets <see cref="From"/>..<see cref="To"/> split into segments in offset order.
/// Recorded ranges are kept whole, so a segment may start before <see cref="From"/> or end after <see cref="To"/>.
/// </summary>
public sealed record ReplayPlan(string Topic, int Partition, long From, long To, IReadOnlyList<ReplaySegment> Segments);
