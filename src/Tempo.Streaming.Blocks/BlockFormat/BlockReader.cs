using System.Runtime.CompilerServices;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Bloom;
using Tempo.Streaming.Blocks.Index;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.Parquet;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>
/// Reads one vParquet4 block through ranged reads (Tempo's <c>block_findtracebyid.go</c> path): trace by ID checks the
/// bloom shard, then the index (largest ID per row group), then opens the Parquet footer, binary-searches the sorted
/// TraceID column of that row group and assembles only that row. Works on Tempo's blocks and ours.
/// An instance caches what it fetched (bloom shards, index, footer, each row group's trace IDs), so keep one per
/// block while the block is being queried; it is thread-safe. Decoded data pages go to a <see cref="PageCache"/>
/// shared by all blocks (the process-wide one unless another is passed), keyed by store, object and size, so a
/// reader opened again on the same block finds them too.
/// Every failure caused by the block's bytes surfaces as <see cref="BlockCorruptException"/> naming the block.
/// </summary>
public sealed partial class BlockReader
{
    private readonly IObjectStore _store;
    private readonly TraceRowReader _rows;
    private readonly FetchCache<int, byte[]> _bloomShards = new();
    private readonly FetchCache<int, byte[]> _rowGroupIds = new();
    private readonly FetchCache<int, BlockIndex?> _index = new();
    private readonly FetchCache<int, ParquetFileReader> _file = new();
    private readonly PageCache _pageCache;

    private BlockReader(IObjectStore store, BlockMeta meta, PageCache pageCache)
    {
        _store = store;
        _pageCache = pageCache;
        Meta = meta;
        _rows = new TraceRowReader(meta.DedicatedColumns);
    }

    public BlockMeta Meta { get; }

    public string Tenant => Meta.TenantId;

    public Guid BlockId => Meta.BlockId;

    /// <summary>Reads and checks the block's meta.json.</summary>
    /// <exception cref="BlockNotFoundException">No meta.json.</exception>
    /// <exception cref="BlockCorruptException">meta.json does not parse, names another block, or has an unsupported format.</exception>
    public static Task<BlockReader> OpenAsync(IObjectStore store, string tenant, Guid blockId, CancellationToken cancellationToken = default)
        => OpenAsync(store, tenant, blockId, PageCache.Shared, cancellationToken);

    /// <inheritdoc cref="OpenAsync(IObjectStore, string, Guid, CancellationToken)"/>
    /// <param name="pageCache">Where trace-by-ID lookups keep decoded pages (one instance shared by all blocks).</param>
    public static async Task<BlockReader> OpenAsync(IObjectStore store, string tenant, Guid blockId, PageCache pageCache, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(pageCache);
        BlockPaths.ValidateTenant(tenant);
        var key = BlockPaths.Meta(tenant, blockId);
        byte[] json;
        try
        {
            json = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            throw new BlockNotFoundException(tenant, blockId, store.Description, e);
        }

        BlockMeta meta;
        try
        {
            meta = BlockMetaJson.Parse(json, key);
        }
        catch (BlockMetaException e)
        {
            throw new BlockCorruptException(tenant, blockId, "meta.json cannot be used", e);
        }
        if (meta.BlockId != blockId || !string.Equals(meta.TenantId, tenant, StringComparison.Ordinal))
        {
            throw new BlockCorruptException(tenant, blockId, $"meta.json describes block {meta.TenantId}/{meta.BlockId:D}");
        }
        return Open(store, meta, pageCache);
    }

    /// <summary>A reader for a block whose meta is already known (from the tenant index or a listing).</summary>
    public static BlockReader Open(IObjectStore store, BlockMeta meta) => Open(store, meta, PageCache.Shared);

    /// <inheritdoc cref="Open(IObjectStore, BlockMeta)"/>
    /// <param name="pageCache">Where trace-by-ID lookups keep decoded pages (one instance shared by all blocks).</param>
    public static BlockReader Open(IObjectStore store, BlockMeta meta, PageCache pageCache)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(pageCache);
        if (!string.Equals(meta.Format, BlockMeta.VParquet4, StringComparison.Ordinal))
        {
            throw new BlockCorruptException(meta.TenantId, meta.BlockId,
                $"format '{meta.Format}' is not supported (this reader reads {BlockMeta.VParquet4})");
        }
        if (meta.Size < 12)
        {
            throw new BlockCorruptException(meta.TenantId, meta.BlockId, $"meta.json size {meta.Size} is too small for a Parquet file");
        }
        return new BlockReader(store, meta, pageCache);
    }

    /// <summary>
    /// The trace with ID <paramref name="traceId"/> (up to 16 bytes, left-padded like Tempo), or null when the block
    /// does not hold it.
    /// </summary>
    public async Task<Trace?> FindTraceByIdAsync(ReadOnlyMemory<byte> traceId, CancellationToken cancellationToken = default)
    {
        if (traceId.Length > TraceId.Length)
        {
            throw new ArgumentException($"trace ID of {traceId.Length} bytes; trace IDs are at most {TraceId.Length} bytes", nameof(traceId));
        }
        var id = new byte[TraceId.Length];
        TraceId.PadTo16Bytes(traceId.Span, id);

        if (Meta.MinId is { Length: TraceId.Length } min && Meta.MaxId is { Length: TraceId.Length } max &&
            (id.AsSpan().SequenceCompareTo(min) < 0 || id.AsSpan().SequenceCompareTo(max) > 0))
        {
            return null;
        }

        try
        {
            if (!await MayContainAsync(id, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var file = await FileAsync().ConfigureAwait(false);
            var index = await _index.GetAsync(0, _ => LoadIndexAsync()).ConfigureAwait(false);
            if (index is not null)
            {
                var rowGroup = index.FindRowGroup(id);
                if (rowGroup < 0 || rowGroup >= file.RowGroups.Count)
                {
                    return null;
                }
                return await FindInRowGroupAsync(file, rowGroup, id, cancellationToken).ConfigureAwait(false);
            }

            // No index (older blocks): every row group whose TraceID statistics admit the ID.
            for (var rowGroup = 0; rowGroup < file.RowGroups.Count; rowGroup++)
            {
                if (!StatisticsAdmit(file.RowGroups[rowGroup], id))
                {
                    continue;
                }
                var trace = await FindInRowGroupAsync(file, rowGroup, id, cancellationToken).ConfigureAwait(false);
                if (trace is not null)
                {
                    return trace;
                }
            }
            return null;
        }
        catch (Exception e) when (IsBlockFault(e))
        {
            throw Corrupt($"looking up trace {Convert.ToHexStringLower(id)}", e);
        }
    }

    /// <summary>Every trace of the block in row order (CLI dump and verify, compaction).</summary>
    public async IAsyncEnumerable<Trace> ReadAllTracesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ParquetFileReader file;
        try
        {
            file = await FileAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsBlockFault(e))
        {
            throw Corrupt("opening data.parquet", e);
        }

        for (var rowGroup = 0; rowGroup < file.RowGroups.Count; rowGroup++)
        {
            RecordReader records;
            try
            {
                records = await RecordReader.OpenAsync(file, rowGroup, columns: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsBlockFault(e))
            {
                throw Corrupt($"reading row group {rowGroup}", e);
            }

            while (true)
            {
                Trace trace;
                try
                {
                    var row = records.ReadRow();
                    if (row is null)
                    {
                        break;
                    }
                    trace = _rows.Read(row);
                }
                catch (Exception e) when (IsBlockFault(e))
                {
                    throw Corrupt($"decoding a row of row group {rowGroup}", e);
                }
                yield return trace;
            }
        }
    }

    private async Task<Trace?> FindInRowGroupAsync(ParquetFileReader file, int rowGroup, byte[] id, CancellationToken cancellationToken)
    {
        var ids = await _rowGroupIds.GetAsync(rowGroup, g => ReadTraceIdsAsync(file, g)).ConfigureAwait(false);
        var row = BinarySearch(ids, id);
        if (row < 0)
        {
            return null;
        }

        // Only the pages holding the row (our blocks carry a page index); Tempo's blocks have none, so their chunks are read whole.
        var records = await RecordReader.OpenRowsAsync(file, rowGroup, row, rowCount: 1, columns: null, cancellationToken).ConfigureAwait(false);
        var found = records.ReadRow() ?? throw Corrupt($"row group {rowGroup} ends before row {row} that its TraceID column lists", null);
        var foundId = TraceRowReader.TraceIdOf(found);
        if (!foundId.AsSpan().SequenceEqual(id))
        {
            throw Corrupt($"row {row} of row group {rowGroup} holds trace {Convert.ToHexStringLower(foundId)}, its TraceID column says {Convert.ToHexStringLower(id)}", null);
        }
        return _rows.Read(found);
    }

    /// <summary>The TraceID column of a row group, flattened to 16 bytes per row (cached per reader).</summary>
    private async Task<byte[]> ReadTraceIdsAsync(ParquetFileReader file, int rowGroup)
    {
        var chunk = await file.ReadColumnChunkAsync(rowGroup, TraceFields.TraceId).ConfigureAwait(false);
        var rows = file.RowGroups[rowGroup].RowCount;
        var ids = new byte[checked((int)rows * TraceId.Length)];
        var batch = new ColumnBatch(4096);
        var row = 0;
        while (chunk.ReadBatch(batch) > 0)
        {
            for (var i = 0; i < batch.ValueCount; i++)
            {
                if (row >= rows)
                {
                    throw new ParquetFormatException($"TraceID column of row group {rowGroup} holds more values than its {rows} rows");
                }
                var value = batch.GetBytes(i);
                if (value.Length != TraceId.Length)
                {
                    throw new ParquetFormatException($"TraceID of row {row} in row group {rowGroup} is {value.Length} bytes, not {TraceId.Length}");
                }
                value.CopyTo(ids.AsSpan(row * TraceId.Length));
                row++;
            }
        }
        if (row != rows)
        {
            throw new ParquetFormatException($"TraceID column of row group {rowGroup} holds {row} values for {rows} rows");
        }
        return ids;
    }

    /// <summary>Row of <paramref name="id"/> in the sorted flattened IDs, or -1.</summary>
    private static int BinarySearch(byte[] ids, ReadOnlySpan<byte> id)
    {
        int low = 0, high = ids.Length / TraceId.Length - 1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            var comparison = ids.AsSpan(mid * TraceId.Length, TraceId.Length).SequenceCompareTo(id);
            if (comparison == 0)
            {
                return mid;
            }
            if (comparison < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return -1;
    }

    private static bool StatisticsAdmit(RowGroupInfo rowGroup, ReadOnlySpan<byte> id)
    {
        var statistics = rowGroup.Columns[TraceFields.TraceId].Statistics;
        if (statistics is not { HasMinMax: true })
        {
            return true;
        }
        return id.SequenceCompareTo(statistics.Min) >= 0 && id.SequenceCompareTo(statistics.Max) <= 0;
    }

    private async Task<bool> MayContainAsync(byte[] id, CancellationToken cancellationToken)
    {
        // Blocks from before bloomShards was recorded use Tempo's legacy shard count.
        var shardCount = Meta.BloomShards > 0 ? Meta.BloomShards : ShardedBloomFilter.LegacyShardCount;
        var shard = ShardedBloomFilter.ShardFor(id, shardCount);
        var bytes = await _bloomShards.GetAsync(shard, s => _store.GetAsync(BlockPaths.Bloom(Meta.TenantId, Meta.BlockId, s))).ConfigureAwait(false);
        return ShardedBloomFilter.Test(bytes, id);
    }

    private Task<ParquetFileReader> FileAsync() => _file.GetAsync(0, _ => OpenFileAsync());

    private async Task<BlockIndex?> LoadIndexAsync()
    {
        var key = BlockPaths.Index(Meta.TenantId, Meta.BlockId);
        byte[] json;
        try
        {
            json = await _store.GetAsync(key).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        return BlockIndex.Parse(json, key);
    }

    private async Task<ParquetFileReader> OpenFileAsync()
    {
        var key = BlockPaths.Data(Meta.TenantId, Meta.BlockId);
        // One size check before the ranged reads: a truncated or replaced data.parquet is then reported as exactly
        // that, instead of as a range error from the backend.
        long size;
        try
        {
            size = await _store.GetSizeAsync(key).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException e)
        {
            throw Corrupt("data.parquet is missing", e);
        }
        if (size != Meta.Size)
        {
            throw Corrupt($"data.parquet is {size} bytes, meta.json size says {Meta.Size}", null);
        }
        var source = new ObjectStoreRandomAccess(_store, key, Meta.Size);
        // A block's objects are written once and never modified, so store, key and
        // size name the bytes well enough for cached pages to be reused by later readers of the block.
        var options = new ParquetReadOptions { PageCache = _pageCache, FileIdentity = $"{_store.Description}|{key}|{Meta.Size}" };
        var file = await ParquetFileReader.OpenAsync(source, options).ConfigureAwait(false);
        CheckSchema(file.Schema);
        return file;
    }

    /// <summary>The reader addresses fields by position: the file must have the vParquet4 column layout.</summary>
    private void CheckSchema(ParquetSchema schema)
    {
        var expected = VParquet4Schema.Instance.Columns;
        if (schema.Columns.Count != expected.Count)
        {
            throw Corrupt($"data.parquet has {schema.Columns.Count} columns, vParquet4 has {expected.Count}", null);
        }
        for (var i = 0; i < expected.Count; i++)
        {
            if (!string.Equals(schema.Columns[i].DottedPath, expected[i].DottedPath, StringComparison.Ordinal) ||
                schema.Columns[i].Type != expected[i].Type)
            {
                throw Corrupt($"data.parquet column {i} is {schema.Columns[i].DottedPath} ({schema.Columns[i].Type}), vParquet4 has {expected[i].DottedPath} ({expected[i].Type})", null);
            }
        }
    }

    /// <summary>Failures that come from the block's bytes (or missing objects), not from the caller or cancellation.</summary>
    private static bool IsBlockFault(Exception e) => e is ParquetFormatException or BloomFilterException or BlockIndexException
        or ObjectNotFoundException or EndOfStreamException or InvalidDataException or FormatException or ArgumentOutOfRangeException
        or IndexOutOfRangeException or InvalidCastException or OverflowException or Google.Protobuf.InvalidProtocolBufferException;

    private BlockCorruptException Corrupt(string what, Exception? inner) => inner is BlockCorruptException corrupt
        ? corrupt
        : inner is null
            ? new BlockCorruptException(Meta.TenantId, Meta.BlockId, what)
            : new BlockCorruptException(Meta.TenantId, Meta.BlockId, what, inner);
}
