using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Bloom;
using Tempo.Streaming.Blocks.Index;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>What one block write produced.</summary>
/// <param name="Meta">The block's meta.json (the existing one when the block was already there).</param>
/// <param name="Written">False when meta.json already existed and nothing was written (ARCHITECTURE.md §1 invariant 2).</param>
public sealed record BlockWriteResult(BlockMeta Meta, bool Written);

/// <summary>
/// Writes a vParquet4 block of one tenant from one ingest-log range (ARCHITECTURE.md §6): combines the fragments of
/// each trace, sorts traces by ID, writes <c>data.parquet</c> with row groups cut by size (staged in a temp file, then
/// one atomic put), the bloom shards, the <c>index</c> (largest trace ID per row group), and <c>meta.json</c> LAST —
/// a block without meta.json does not exist. The block ID is the UUIDv5 of the lineage, so writing the same range
/// twice finds the first meta.json and writes nothing.
/// Thread-safe: each call uses its own row writer and buffers.
/// </summary>
public sealed class BlockWriter
{
    private readonly IObjectStore _store;
    private readonly BlockWriterOptions _options;
    private readonly ParquetWriterOptions _parquetOptions;
    private readonly ILogger _logger;

    public BlockWriter(IObjectStore store, BlockWriterOptions? options = null, ILogger<BlockWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? BlockWriterOptions.Default;
        _options.Validate();
        _parquetOptions = VParquet4WriterOptions.Create(_options.Compression, _options.CompressionLevel);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Writes the block of <paramref name="tenant"/> holding <paramref name="fragments"/> (any order, several fragments
    /// per trace allowed), or finds it already written. <paramref name="lineage"/> names the log range and gives the
    /// block ID; <paramref name="dedicatedColumns"/> (the tenant's configured ones) take the spare columns first, then,
    /// with <see cref="BlockWriterOptions.AutoDedicatedColumns"/>, the block's most frequent string attributes fill the
    /// rest; meta.json records the final list.
    /// </summary>
    /// <exception cref="ArgumentException">No fragment holds a span (an empty block is never written).</exception>
    public async Task<BlockWriteResult> WriteAsync(string tenant, IngestLineage lineage, IReadOnlyList<DedicatedColumn> dedicatedColumns,
        IEnumerable<TraceFragment> fragments, CancellationToken cancellationToken = default)
    {
        BlockPaths.ValidateTenant(tenant);
        ArgumentNullException.ThrowIfNull(lineage);
        ArgumentNullException.ThrowIfNull(dedicatedColumns);
        ArgumentNullException.ThrowIfNull(fragments);

        var blockId = BlockId.FromLineage(tenant, lineage.Topic, lineage.Partition, lineage.FirstOffset, lineage.LastOffset);
        var existing = await TryReadMetaAsync(tenant, blockId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            BlockLogMessages.BlockExists(_logger, tenant, blockId);
            return new BlockWriteResult(existing, Written: false);
        }

        var stopwatch = Stopwatch.StartNew();
        var combiner = new TraceFragmentCombiner();
        foreach (var fragment in fragments)
        {
            combiner.Add(fragment);
        }
        var traces = combiner.SortedTraces();
        if (traces.Count == 0)
        {
            throw new ArgumentException(
                $"block for tenant '{tenant}' from {lineage.Topic}/{lineage.Partition} offsets {lineage.FirstOffset}..{lineage.LastOffset} has no spans; an empty block is never written");
        }

        if (_options.AutoDedicatedColumns)
        {
            dedicatedColumns = DedicatedColumnSelector.Select(dedicatedColumns, traces, static entry => entry.Trace);
        }

        var meta = new BlockMeta
        {
            Format = BlockMeta.VParquet4,
            BlockId = blockId,
            TenantId = tenant,
            CompactionLevel = 0,
            // Blocks cut by a live store hold one copy of each span (Tempo 3 marks RF1 blocks with 1).
            ReplicationFactor = 1,
            DedicatedColumns = dedicatedColumns,
            Ingest = lineage,
        };

        var tempPath = Path.Combine(_options.TempDirectory ?? Path.GetTempPath(), $"tempo-block-{blockId:N}-{Guid.NewGuid():N}.parquet");
        try
        {
            BlockContents contents;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous))
            {
                contents = WriteData(file, traces, dedicatedColumns, cancellationToken);
                meta.Size = file.Length;
                meta.FooterSize = ReadFooterLength(file, tenant, blockId);
                file.Position = 0;
                await _store.PutAsync(BlockPaths.Data(tenant, blockId), file, cancellationToken).ConfigureAwait(false);
            }

            var shards = contents.Bloom.MarshalShards();
            for (var shard = 0; shard < shards.Length; shard++)
            {
                await _store.PutAsync(BlockPaths.Bloom(tenant, blockId, shard), shards[shard], cancellationToken).ConfigureAwait(false);
            }
            await _store.PutAsync(BlockPaths.Index(tenant, blockId), contents.Index.Serialize(), cancellationToken).ConfigureAwait(false);

            meta.TotalObjects = traces.Count;
            meta.TotalRecords = contents.RowGroups;
            meta.BloomShards = shards.Length;
            meta.MinId = traces[0].Id.ToByteArray();
            meta.MaxId = traces[^1].Id.ToByteArray();
            // Tempo keeps whole seconds; the start is rounded down and the end up so time pruning never misses a span.
            meta.StartTime = DateTimeOffset.FromUnixTimeSeconds((long)(contents.StartUnixNano / 1_000_000_000UL));
            meta.EndTime = DateTimeOffset.FromUnixTimeSeconds((long)((contents.EndUnixNano + 999_999_999UL) / 1_000_000_000UL));
            await _store.PutAsync(BlockPaths.Meta(tenant, blockId), BlockMetaJson.Serialize(meta), cancellationToken).ConfigureAwait(false);

            var tags = new KeyValuePair<string, object?>("tenant", tenant);
            BlockMetrics.BlocksWritten.Add(1, tags);
            BlockMetrics.SpansWritten.Add(contents.Spans, tags);
            BlockMetrics.BytesWritten.Add(meta.Size, tags);
            BlockMetrics.WriteDuration.Record(stopwatch.Elapsed.TotalSeconds);
            BlockLogMessages.BlockWritten(_logger, tenant, blockId, traces.Count, contents.Spans, contents.RowGroups, meta.Size,
                contents.Spans == 0 ? 0 : (double)meta.Size / contents.Spans, stopwatch.ElapsedMilliseconds);
            if (contents.Disconnected > 0 || contents.Rootless > 0)
            {
                BlockLogMessages.TraceQuality(_logger, tenant, blockId, contents.Disconnected, traces.Count, contents.Rootless);
            }
            return new BlockWriteResult(meta, Written: true);
        }
        finally
        {
            // DeleteOnClose removes the staging file; this covers a failure before the stream was opened.
            if (File.Exists(tempPath))
            {
                File.Delete(tempPath);
            }
        }
    }

    /// <summary>Encodes the sorted traces into <paramref name="output"/> (synchronous: pure CPU and local file writes).</summary>
    private BlockContents WriteData(Stream output, List<(TraceId Id, Tempopb.Trace Trace)> traces, IReadOnlyList<DedicatedColumn> dedicatedColumns,
        CancellationToken cancellationToken)
    {
        var rowWriter = new TraceRowWriter(dedicatedColumns);
        var bloom = new ShardedBloomFilter(_options.BloomFalsePositive, _options.BloomShardSizeBytes, traces.Count);
        var index = new BlockIndex();
        var contents = new BlockContents(bloom, index);
        Span<byte> id = stackalloc byte[TraceId.Length];

        using var writer = new ParquetFileWriter(output, VParquet4Schema.Instance, _parquetOptions);
        RowGroupWriter? rowGroup = null;
        for (var i = 0; i < traces.Count; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            traces[i].Id.WriteTo(id);
            rowGroup ??= writer.CreateRowGroup();
            var summary = rowWriter.Write(rowGroup.Records, id, traces[i].Trace);
            bloom.Add(id);
            contents.Add(summary);

            if (rowGroup.EstimatedSize >= _options.RowGroupSizeBytes)
            {
                rowGroup.Complete();
                index.AddRowGroup(id);
                contents.RowGroups++;
                rowGroup = null;
            }
        }
        if (rowGroup is not null)
        {
            rowGroup.Complete();
            traces[^1].Id.WriteTo(id);
            index.AddRowGroup(id);
            contents.RowGroups++;
        }
        writer.Close();
        output.Flush();
        return contents;
    }

    /// <summary>The footer length Tempo records as meta.json footerSize: the little-endian uint32 before the closing "PAR1".</summary>
    private static int ReadFooterLength(FileStream file, string tenant, Guid blockId)
    {
        Span<byte> tail = stackalloc byte[8];
        file.Position = file.Length - tail.Length;
        file.ReadExactly(tail);
        if (tail[4] != 'P' || tail[5] != 'A' || tail[6] != 'R' || tail[7] != '1')
        {
            throw new BlockCorruptException(tenant, blockId, "the Parquet file just written does not end with PAR1");
        }
        return BinaryPrimitives.ReadInt32LittleEndian(tail);
    }

    private async Task<BlockMeta?> TryReadMetaAsync(string tenant, Guid blockId, CancellationToken cancellationToken)
    {
        var key = BlockPaths.Meta(tenant, blockId);
        byte[] json;
        try
        {
            json = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        return BlockMetaJson.Parse(json, key);
    }

    private sealed class BlockContents(ShardedBloomFilter bloom, BlockIndex index)
    {
        public ShardedBloomFilter Bloom { get; } = bloom;
        public BlockIndex Index { get; } = index;
        public int RowGroups { get; set; }
        public long Spans { get; private set; }
        public ulong StartUnixNano { get; private set; } = ulong.MaxValue;
        public ulong EndUnixNano { get; private set; }
        public int Disconnected { get; private set; }
        public int Rootless { get; private set; }

        public void Add(TraceRowSummary summary)
        {
            Spans += summary.SpanCount;
            if (summary.StartTimeUnixNano < StartUnixNano)
            {
                StartUnixNano = summary.StartTimeUnixNano;
            }
            if (summary.EndTimeUnixNano > EndUnixNano)
            {
                EndUnixNano = summary.EndTimeUnixNano;
            }
            if (!summary.Connected)
            {
                Disconnected++;
            }
            if (!summary.HasRoot)
            {
                Rootless++;
            }
        }
    }
}
