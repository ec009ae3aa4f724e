using System.Globalization;
using System.Runtime.CompilerServices;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Flushing;

namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>
/// Rebuilds blocks from the ingest log (issue 6 point 5): the records of an offset range of one partition become the
/// blocks the live store's flush writes for that range — one per tenant with spans, the same fragments in the same
/// order (<see cref="ReplayRangeAccumulator"/>), the same <see cref="IngestLineage"/> (records in the range, spans of the
/// tenant's fragments), hence the same block ID (<see cref="BlockId.FromLineage"/>) and, with the same
/// <see cref="BlockWriter"/> options and dedicated columns, the same <c>data.parquet</c> bytes. Writing a block that
/// exists is a no-op, so replaying a range twice writes nothing the second time.
/// <para>
/// One difference cannot be removed: the live store drops a trace's fragments once the trace passes
/// <c>max_bytes_per_trace</c> (BatchApplier, against totals it keeps across ranges); the log still holds them and the
/// replay keeps them. For a range where the live store dropped spans, the replayed block holds more spans (and other
/// bytes) than the flushed one did, under the same ID.
/// </para>
/// Ranges whose blocks exist are replayed with exactly their recorded boundaries (<see cref="BuildAsync"/>); offsets no
/// block covers are cut as the live store cuts by size (<see cref="BuildCutAsync"/>). <see cref="ReplayAsync"/> runs a
/// <see cref="ReplayPlan"/>.
/// </summary>
public sealed class ReplayBlockBuilder
{
    private readonly IIngestLog _log;
    private readonly BlockWriter _writer;
    private readonly Func<string, IReadOnlyList<DedicatedColumn>> _dedicatedColumns;
    private readonly ReplayReadOptions _read;

    /// <param name="dedicatedColumns">The tenants' configured dedicated columns, as the live store is given them (default none, as the server configures today).</param>
    public ReplayBlockBuilder(IIngestLog log, BlockWriter writer, Func<string, IReadOnlyList<DedicatedColumn>>? dedicatedColumns = null,
        ReplayReadOptions? read = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(writer);
        _log = log;
        _writer = writer;
        _dedicatedColumns = dedicatedColumns ?? (static _ => []);
        _read = read ?? new ReplayReadOptions();
        _read.Validate();
    }

    /// <summary>
    /// Writes the blocks of exactly <paramref name="range"/>. With <paramref name="coverage"/>, a tenant that already has
    /// another live block over any of these offsets gets no block (<see cref="ReplayedBlockOutcome.CoveredByTenant"/>),
    /// and every block written is added to it.
    /// </summary>
    /// <exception cref="ReplayInputException">The range is not (or no longer) entirely in the log.</exception>
    public async Task<ReplayRangeResult> BuildAsync(FlushRange range, ReplayCoverage? coverage = null, CancellationToken cancellationToken = default)
    {
        await EnsureInLogAsync(range, cancellationToken).ConfigureAwait(false);
        var records = new ReplayRangeAccumulator(range.Partition);
        var next = range.FirstOffset;
        while (next <= range.LastOffset)
        {
            var batch = await ReadAsync(range.Partition, next, range.LastOffset, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break; // offsets up to LastOffset exist (checked); what is left of the range holds no record
            }
            records.Add(batch);
            next = batch[^1].Offset + 1;
        }
        return await WriteAsync(range, records, coverage, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cuts the offsets <paramref name="firstOffset"/>..<paramref name="lastOffset"/>, which no block covers, the way the
    /// live store cuts a busy partition: from the first offset, the shortest run of records whose value bytes reach
    /// <paramref name="maxBlockBytes"/>, again from the next offset, and the rest (below the limit) as the last range,
    /// ending at <paramref name="lastOffset"/>. Yields each range once its blocks are written.
    /// </summary>
    /// <exception cref="ReplayInputException">The offsets are not (or no longer) entirely in the log.</exception>
    public async IAsyncEnumerable<ReplayRangeResult> BuildCutAsync(int partition, long firstOffset, long lastOffset, long maxBlockBytes,
        ReplayCoverage? coverage = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlockBytes, 1);
        await EnsureInLogAsync(new FlushRange(partition, firstOffset, lastOffset), cancellationToken).ConfigureAwait(false);
        var runStart = firstOffset;
        var run = new ReplayRangeAccumulator(partition);
        long runBytes = 0;
        var next = firstOffset;
        while (next <= lastOffset)
        {
            var batch = await ReadAsync(partition, next, lastOffset, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }
            var records = batch as LogRecord[] ?? [.. batch];
            var from = 0;
            for (var i = 0; i < records.Length; i++)
            {
                runBytes += records[i].Value.Length;
                if (runBytes < maxBlockBytes)
                {
                    continue;
                }
                run.Add(new ArraySegment<LogRecord>(records, from, i + 1 - from));
                yield return await WriteAsync(new FlushRange(partition, runStart, records[i].Offset), run, coverage, cancellationToken).ConfigureAwait(false);
                runStart = records[i].Offset + 1;
                run = new ReplayRangeAccumulator(partition);
                runBytes = 0;
                from = i + 1;
            }
            if (from < records.Length)
            {
                run.Add(new ArraySegment<LogRecord>(records, from, records.Length - from));
            }
            next = records[^1].Offset + 1;
        }
        if (run.Records > 0)
        {
            yield return await WriteAsync(new FlushRange(partition, runStart, lastOffset), run, coverage, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a plan: every segment to replay in offset order — recorded ranges with their boundaries, gaps cut by
    /// <paramref name="maxBlockBytes"/>. Segments not to replay are left alone.
    /// </summary>
    public async Task<IReadOnlyList<ReplayRangeResult>> ReplayAsync(ReplayPlan plan, long maxBlockBytes, ReplayCoverage? coverage = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Topic != _log.Topic)
        {
            throw new ArgumentException($"replay: the plan is for topic '{plan.Topic}' but the log is '{_log.Topic}'");
        }
        var results = new List<ReplayRangeResult>();
        foreach (var segment in plan.Segments)
        {
            if (!segment.Replay)
            {
                continue;
            }
            if (segment.Kind == ReplaySegmentKind.Gap)
            {
                await foreach (var result in BuildCutAsync(plan.Partition, segment.FirstOffset, segment.LastOffset, maxBlockBytes, coverage, cancellationToken)
                    .ConfigureAwait(false))
                {
                    results.Add(result);
                }
            }
            else
            {
                results.Add(await BuildAsync(new FlushRange(plan.Partition, segment.FirstOffset, segment.LastOffset), coverage, cancellationToken)
                    .ConfigureAwait(false));
            }
        }
        return results;
    }

    private async Task<ReplayRangeResult> WriteAsync(FlushRange range, ReplayRangeAccumulator records, ReplayCoverage? coverage,
        CancellationToken cancellationToken)
    {
        var blocks = new List<ReplayedBlock>(records.Tenants.Count);
        foreach (var (tenant, fragments) in records.Tenants)
        {
            if (fragments.Spans == 0)
            {
                continue; // the cutter makes no block from fragments without spans
            }
            var blockId = BlockId.FromLineage(tenant, _log.Topic, range.Partition, range.FirstOffset, range.LastOffset);
            if (coverage is not null && coverage.CoveredByOtherBlock(tenant, blockId, _log.Topic, range))
            {
                blocks.Add(new ReplayedBlock(tenant, blockId, ReplayedBlockOutcome.CoveredByTenant, fragments.Spans));
                continue;
            }
            var lineage = new IngestLineage(_log.Topic, range.Partition, range.FirstOffset, range.LastOffset, records.Records, fragments.Spans);
            var written = await _writer.WriteAsync(tenant, lineage, _dedicatedColumns(tenant), fragments.Fragments, cancellationToken)
                .ConfigureAwait(false);
            coverage?.Add(tenant, blockId, _log.Topic, range);
            blocks.Add(new ReplayedBlock(tenant, blockId, written.Written ? ReplayedBlockOutcome.Written : ReplayedBlockOutcome.Existed, fragments.Spans));
        }
        return new ReplayRangeResult(range, records.Records, records.RecordBytes, records.SkippedRecords, blocks);
    }

    /// <summary>Records from <paramref name="next"/> up to <paramref name="lastOffset"/>, throttled and reported.</summary>
    private async Task<IReadOnlyList<LogRecord>> ReadAsync(int partition, long next, long lastOffset, CancellationToken cancellationToken)
    {
        var maxRecords = (int)Math.Min(_read.BatchRecords, lastOffset - next + 1);
        var batch = await _log.ReadAsync(partition, next, maxRecords, _read.BatchBytes, cancellationToken).ConfigureAwait(false);
        if (batch.Count > 0 && batch[0].Offset > next)
        {
            // The log starts reads below its log-start offset at the log start: records of the range were removed by
            // retention while the replay ran (holes in Kafka offsets are normal, so ask before calling it a loss).
            var logStart = await _log.GetLogStartOffsetAsync(partition, cancellationToken).ConfigureAwait(false);
            if (logStart > next)
            {
                throw new ReplayInputException(string.Create(CultureInfo.InvariantCulture,
                    $"topic '{_log.Topic}' partition {partition}: offsets from {next} were removed by retention during the replay (log start is now {logStart})"));
            }
        }
        var count = 0;
        while (count < batch.Count && batch[count].Offset <= lastOffset)
        {
            count++;
        }
        IReadOnlyList<LogRecord> records = count == batch.Count ? batch : batch.Take(count).ToArray();
        if (count > 0)
        {
            _read.RecordsRead?.Invoke(count, records[^1].Offset + 1);
            if (_read.Throttle is { } throttle)
            {
                await throttle(count, cancellationToken).ConfigureAwait(false);
            }
        }
        return records;
    }

    private async Task EnsureInLogAsync(FlushRange range, CancellationToken cancellationToken)
    {
        if (range.Partition < 0 || range.Partition >= _log.PartitionCount)
        {
            throw new ReplayInputException(string.Create(CultureInfo.InvariantCulture,
                $"partition {range.Partition} does not exist: topic '{_log.Topic}' has partitions 0 to {_log.PartitionCount - 1}"));
        }
        if (range.FirstOffset > range.LastOffset)
        {
            throw new ReplayInputException(string.Create(CultureInfo.InvariantCulture,
                $"topic '{_log.Topic}' partition {range.Partition}: offsets {range.FirstOffset}-{range.LastOffset} are no range (first after last)"));
        }
        var logStart = await _log.GetLogStartOffsetAsync(range.Partition, cancellationToken).ConfigureAwait(false);
        var highWatermark = await _log.GetHighWatermarkAsync(range.Partition, cancellationToken).ConfigureAwait(false);
        if (range.FirstOffset < logStart || range.LastOffset >= highWatermark)
        {
            throw new ReplayInputException(ReplayBounds.OutsideLog(_log.Topic, range.Partition, range.FirstOffset, range.LastOffset, logStart, highWatermark));
        }
    }
}
