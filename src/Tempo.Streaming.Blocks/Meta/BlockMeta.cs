namespace Tempo.Streaming.Blocks.Meta;

/// <summary>
/// A block's <c>meta.json</c>: Tempo's <c>backend.BlockMeta</c> fields (tempodb/backend/block_meta.go and
/// backend/v1/v1.proto: JSON names <c>format</c>, <c>blockID</c>, <c>tenantID</c>, ...) plus this project's ingest
/// lineage. Written last, so a block without it does not exist (ARCHITECTURE.md §6). Serialised by
/// <see cref="BlockMetaJson"/>.
/// </summary>
public sealed class BlockMeta
{
    /// <summary>The block format this project writes and reads (Tempo's <c>vparquet4.VersionString</c>).</summary>
    public const string VParquet4 = "vParquet4";

    /// <summary>Tempo's value for blocks with no object-level compression (the <c>encoding</c> field).</summary>
    public const string EncodingNone = "none";

    /// <summary><c>format</c>: the block encoding version, <see cref="VParquet4"/>.</summary>
    public string Format { get; set; } = VParquet4;

    /// <summary><c>blockID</c>: also the block's folder name.</summary>
    public Guid BlockId { get; set; }

    /// <summary><c>minID</c>: smallest trace ID (16 bytes, base64 in JSON); older Tempo versions wrote it, newer omit it.</summary>
    public byte[]? MinId { get; set; }

    /// <summary><c>maxID</c>: largest trace ID (16 bytes, base64 in JSON).</summary>
    public byte[]? MaxId { get; set; }

    /// <summary><c>tenantID</c>.</summary>
    public string TenantId { get; set; } = "";

    /// <summary><c>startTime</c>: earliest span start in the block (Tempo keeps whole seconds).</summary>
    public DateTimeOffset StartTime { get; set; }

    /// <summary><c>endTime</c>: latest span end in the block.</summary>
    public DateTimeOffset EndTime { get; set; }

    /// <summary><c>totalObjects</c>: traces (rows) in the block.</summary>
    public long TotalObjects { get; set; }

    /// <summary><c>size</c>: bytes of <c>data.parquet</c>.</summary>
    public long Size { get; set; }

    /// <summary><c>compactionLevel</c>: 0 for blocks cut from the live store, +1 per compaction.</summary>
    public int CompactionLevel { get; set; }

    /// <summary><c>encoding</c>: object compression of v2 blocks; Parquet blocks write <see cref="EncodingNone"/>.</summary>
    public string Encoding { get; set; } = EncodingNone;

    /// <summary><c>indexPageSize</c>: unused by Parquet blocks (0).</summary>
    public int IndexPageSize { get; set; }

    /// <summary><c>totalRecords</c>: for Parquet blocks, the number of row groups.</summary>
    public int TotalRecords { get; set; }

    /// <summary><c>dataEncoding</c>: the encoding of trace bytes inside v2 blocks; empty for Parquet blocks.</summary>
    public string DataEncoding { get; set; } = "";

    /// <summary><c>bloomShards</c>: number of <c>bloom-&lt;n&gt;</c> objects.</summary>
    public int BloomShards { get; set; }

    /// <summary><c>footerSize</c>: bytes of the Parquet footer (metadata + 8), so readers can fetch it in one ranged read.</summary>
    public int FooterSize { get; set; }

    /// <summary><c>dedicatedColumns</c> (omitted when empty): attributes stored in dedicated Parquet columns.</summary>
    public IReadOnlyList<DedicatedColumn> DedicatedColumns { get; set; } = [];

    /// <summary><c>replicationFactor</c> (omitted when 0): Tempo marks blocks of RF1 writers (live store, generators) with 1.</summary>
    public int ReplicationFactor { get; set; }

    /// <summary><c>ingest</c> (ours, omitted when null): the ingest-log range this block was cut from.</summary>
    public IngestLineage? Ingest { get; set; }

    /// <summary><c>ingestRanges</c> (ours, omitted when empty): for compacted blocks, every range of the input blocks.</summary>
    public IReadOnlyList<IngestLineage> IngestRanges { get; set; } = [];
}

/// <summary>
/// Which records of the ingest log a block holds: partition <see cref="Partition"/> of <see cref="Topic"/>, offsets
/// <see cref="FirstOffset"/>..<see cref="LastOffset"/> inclusive. Lets a restarted block builder tell which ranges are
/// already in the backend (JSON: <c>{topic, partition, firstOffset, lastOffset, records, spans}</c>).
/// </summary>
public sealed record IngestLineage(string Topic, int Partition, long FirstOffset, long LastOffset, long Records, long Spans);

/// <summary>
/// One attribute stored in its own column (Tempo <c>backend.DedicatedColumn</c>). JSON: <c>{"s": scope, "n": name, "t": type}</c>
/// where Tempo omits <c>s</c> for the default scope <c>span</c> and <c>t</c> for the default type <c>string</c>.
/// </summary>
public sealed record DedicatedColumn(string Scope, string Name, string Type)
{
    public const string ScopeSpan = "span";
    public const string ScopeResource = "resource";
    public const string ScopeEvent = "event";
    public const string TypeString = "string";
    public const string TypeInt = "int";
}

/// <summary>
/// <c>meta.compacted.json</c>: a block replaced by compaction, kept until retention deletes it. Tempo writes it as the
/// block's meta fields plus <c>compactedTime</c> in one flat object.
/// </summary>
public sealed class CompactedBlockMeta
{
    public required BlockMeta Meta { get; init; }

    /// <summary><c>compactedTime</c>: when the compactor marked the block.</summary>
    public DateTimeOffset CompactedTime { get; init; }
}

/// <summary>A meta.json, meta.compacted.json or tenant index that cannot be used; the message names the object and the problem.</summary>
public sealed class BlockMetaException : Exception
{
    public BlockMetaException(string message) : base(message) { }
    public BlockMetaException(string message, Exception inner) : base(message, inner) { }
}
