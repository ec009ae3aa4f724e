using System.Buffers.Binary;
using System.Diagnostics;
using Tempo.Streaming.Blocks.Bloom;
using Tempo.Streaming.Blocks.Index;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>One trace of a block being written, in the block's row order (ascending <see cref="Id"/>, one entry per ID).</summary>
public readonly record struct SortedTrace(TraceId Id, Tempopb.Trace Trace);

/// <summary>One row of a block being written: a trace as its encoded fragments (<see cref="EncodedTrace"/>), in row order.</summary>
internal readonly record struct SortedRow(TraceId Id, EncodedTrace Trace);

// The steps every block write shares, whatever produced its traces: encode data.parquet into a staging file, upload
// it, the bloom shards and the index, then meta.json LAST.
public sealed partial class BlockWriter
{
    /// <summary>
    /// Writes the block described by <paramref name="meta"/> (identity, lineage and dedicated columns set by the caller;
    /// the fields measured from the data are filled here) from <paramref name="traces"/>, which must be in ascending ID
    /// order. <paramref name="estimatedTraces"/> sizes the bloom filter (an upper bound is fine: Tempo sizes a
    /// compacted block's filter from its inputs' object counts too).
    /// </summary>
    private async Task<BlockWriteResult> WriteBlockAsync(BlockMeta meta, IAsyncEnumerable<SortedRow> traces, long estimatedTraces,
        CancellationToken cancellationToken)
    {
        var tenant = meta.TenantId;
        var blockId = meta.BlockId;
        var stopwatch = Stopwatch.StartNew();
        var tempPath = Path.Combine(_options.TempDirectory ?? Path.GetTempPath(), $"tempo-block-{blockId:N}-{Guid.NewGuid():N}.parquet");
        try
        {
            BlockContents contents;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous))
            {
                contents = await WriteDataAsync(file, meta, traces, estimatedTraces, cancellationToken).ConfigureAwait(false);
                if (contents.Traces == 0)
                {
                    throw new ArgumentException($"block {tenant}/{blockId:D} would hold no trace; an empty block is never written");
                }
                meta.Size = file.Length;
                meta.FooterSize = ReadFooterLength(file, tenant, blockId);
                file.Position = 0;
                await _store.PutAsync(BlockPaths.Data(tenant, blockId), file, cancellationToken).ConfigureAwait(false);
                Core.Diagnostics.CrashPoints.Hit(Core.Diagnostics.CrashPoints.BlockAfterData);
            }

            var shards = contents.Bloom.MarshalShards();
            for (var shard = 0; shard < shards.Length; shard++)
            {
                await _store.PutAsync(BlockPaths.Bloom(tenant, blockId, shard), shards[shard], cancellationToken).ConfigureAwait(false);
            }
            await _store.PutAsync(BlockPaths.Index(tenant, blockId), contents.Index.Serialize(), cancellationToken).ConfigureAwait(false);

            meta.TotalObjects = contents.Traces;
            meta.TotalRecords = contents.RowGroups;
            meta.BloomShards = shards.Length;
            meta.MinId = contents.MinId.ToByteArray();
            meta.MaxId = contents.MaxId.ToByteArray();
            // Tempo keeps whole seconds; the start is rounded down and the end up so time pruning never misses a span.
            meta.StartTime = DateTimeOffset.FromUnixTimeSeconds((long)(contents.StartUnixNano / 1_000_000_000UL));
            meta.EndTime = DateTimeOffset.FromUnixTimeSeconds((long)((contents.EndUnixNano + 999_999_999UL) / 1_000_000_000UL));
            await _store.PutAsync(BlockPaths.Meta(tenant, blockId), BlockMetaJson.Serialize(meta), cancellationToken).ConfigureAwait(false);

            var tags = new KeyValuePair<string, object?>("tenant", tenant);
            BlockMetrics.BlocksWritten.Add(1, tags);
            BlockMetrics.SpansWritten.Add(contents.Spans, tags);
            BlockMetrics.BytesWritten.Add(meta.Size, tags);
            BlockMetrics.WriteDuration.Record(stopwatch.Elapsed.TotalSeconds);
            BlockLogMessages.BlockWritten(_logger, tenant, blockId, contents.Traces, contents.Spans, contents.RowGroups, meta.Size,
                contents.Spans == 0 ? 0 : (double)meta.Size / contents.Spans, stopwatch.ElapsedMilliseconds);
            if (contents.Disconnected > 0 || contents.Rootless > 0)
            {
                BlockLogMessages.TraceQuality(_logger, tenant, blockId, contents.Disconnected, contents.Traces, contents.Rootless);
            }
            return new BlockWriteResult(meta, Written: true) { Spans = contents.Spans };
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

    /// <summary>Encodes the traces into <paramref name="output"/> (pure CPU and local file writes between the awaits of the source).</summary>
    private async Task<BlockContents> WriteDataAsync(Stream output, BlockMeta meta, IAsyncEnumerable<SortedRow> traces, long estimatedTraces,
        CancellationToken cancellationToken)
    {
        var rowWriter = new TraceRowWriter(meta.DedicatedColumns);
        var bloom = new ShardedBloomFilter(_options.BloomFalsePositive, _options.BloomShardSizeBytes, (int)Math.Clamp(estimatedTraces, 1, int.MaxValue));
        var index = new BlockIndex();
        var contents = new BlockContents(bloom, index);
        // One buffer per block (a stackalloc cannot live across the awaits of the trace source).
        var id = new byte[TraceId.Length];

        using var writer = new ParquetFileWriter(output, VParquet4Schema.Instance, _parquetOptions);
        RowGroupWriter? rowGroup = null;
        await foreach (var (traceId, trace) in traces.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if ((contents.Traces & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (contents.Traces > 0 && traceId <= contents.MaxId)
            {
                // Rows out of order would break the index, the row-group binary search and every reader's merge.
                throw new ArgumentException(
                    $"block {meta.TenantId}/{meta.BlockId:D}: trace {traceId} comes after {contents.MaxId}; traces must be in ascending ID order, one per ID");
            }

            traceId.WriteTo(id);
            rowGroup ??= writer.CreateRowGroup();
            var summary = rowWriter.Write(rowGroup.Records, id, trace);
            if (summary.SpanCount == 0)
            {
                // A survey from stored counts said this trace has spans; its fragments hold none.
                throw new InvalidOperationException(
                    $"block {meta.TenantId}/{meta.BlockId:D}: trace {traceId} was counted with spans but its fragments hold none");
            }
            bloom.Add(id);
            contents.Add(traceId, summary);

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
            contents.MaxId.WriteTo(id);
            index.AddRowGroup(id);
            contents.RowGroups++;
        }
        writer.Close();
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
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

    private sealed class BlockContents(ShardedBloomFilter bloom, BlockIndex index)
    {
        public ShardedBloomFilter Bloom { get; } = bloom;
        public BlockIndex Index { get; } = index;
        public int RowGroups { get; set; }
        public int Traces { get; private set; }
        public TraceId MinId { get; private set; }
        public TraceId MaxId { get; private set; }
        public long Spans { get; private set; }
        public ulong StartUnixNano { get; private set; } = ulong.MaxValue;
        public ulong EndUnixNano { get; private set; }
        public int Disconnected { get; private set; }
        public int Rootless { get; private set; }

        public void Add(TraceId id, TraceRowSummary summary)
        {
            if (Traces == 0)
            {
                MinId = id;
            }
            MaxId = id;
            Traces++;
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
