using System.Globalization;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Lineage;

/// <summary>Offsets <see cref="FirstOffset"/>..<see cref="LastOffset"/> of one partition, both inclusive (as in <see cref="IngestLineage"/>).</summary>
public readonly record struct OffsetRange(long FirstOffset, long LastOffset)
{
    public long Count => LastOffset - FirstOffset + 1;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FirstOffset}-{LastOffset}");
}

/// <summary>A block as the audit sees it: who owns it, whether compaction replaced it, and the log ranges it holds.</summary>
/// <param name="Tenant">The tenant folder the block lives in.</param>
/// <param name="BlockId">The block's ID.</param>
/// <param name="Compacted">True when the block has meta.compacted.json (replaced by a compaction output, awaiting deletion).</param>
/// <param name="Ranges">Its ingest ranges: the cut lineage of a live-store block, the union of the inputs' ranges of a compaction output.</param>
public sealed record LineageBlock(string Tenant, Guid BlockId, bool Compacted, IReadOnlyList<IngestLineage> Ranges)
{
    /// <summary>
    /// The ranges a meta records: <see cref="BlockMeta.Ingest"/> (a block cut from the live store or by replay) and
    /// <see cref="BlockMeta.IngestRanges"/> (a compaction output). Blocks written by Tempo itself have neither.
    /// </summary>
    public static LineageBlock FromMeta(BlockMeta meta, bool compacted)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var ranges = new List<IngestLineage>(meta.IngestRanges.Count + 1);
        if (meta.Ingest is { } ingest)
        {
            ranges.Add(ingest);
        }
        ranges.AddRange(meta.IngestRanges);
        return new LineageBlock(meta.TenantId, meta.BlockId, compacted, ranges);
    }

    /// <summary>The block as a reference in a report.</summary>
    public LineageBlockRef Ref => new(Tenant, BlockId, Compacted);
}

/// <summary>A block folder the audit could not use; <see cref="Problem"/> says why (no meta.json yet, corrupt meta, invalid range).</summary>
public sealed record UnreadableBlock(string Tenant, Guid BlockId, string Problem);

/// <summary>
/// What the ingest side knows about one partition; every field is optional (the CLI without log access knows none, the
/// server knows all). Offsets follow Kafka's convention: each is the NEXT offset (exclusive end), like a committed offset.
/// </summary>
/// <param name="Topic">The ingest topic (Kafka) or log name (embedded); blocks record it in their lineage.</param>
/// <param name="Partition">The partition.</param>
public sealed record PartitionOffsets(string Topic, int Partition)
{
    /// <summary>The oldest offset the log still holds; offsets from here on can be replayed.</summary>
    public long? LogStartOffset { get; init; }

    /// <summary>The offset the next appended record gets.</summary>
    public long? HighWatermark { get; init; }

    /// <summary>The consumer group's committed offset: the live store says every record below it is in blocks.</summary>
    public long? CommittedOffset { get; init; }

    /// <summary>The live store's flushed offset (next offset to cut); it runs ahead of the committed offset until the commit.</summary>
    public long? FlushedOffset { get; init; }

    /// <summary>Ranges the live store flushed that produced no block because no record in them held a span.</summary>
    public IReadOnlyList<OffsetRange> EmptyRanges { get; init; } = [];
}

/// <summary>The blocks of every tenant, as listed from a backend (or a tenant index), for <see cref="LineageAudit"/>.</summary>
public sealed record LineageInventory(IReadOnlyList<LineageBlock> Blocks, IReadOnlyList<UnreadableBlock> Unreadable);
