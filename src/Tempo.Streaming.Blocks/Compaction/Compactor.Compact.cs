using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;

namespace Tempo.Streaming.Blocks.Compaction;

// One compaction: merge the inputs into the output block, then mark the inputs compacted.
public sealed partial class Compactor
{
    private async Task CompactGroupAsync(IObjectStore store, CompactionJob job, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        var level = CompactionMetrics.Level(job.Output.CompactionLevel - 1);
        try
        {
            var output = await BlockCatalog.ReadEntryAsync(store, job.Tenant, job.Output.BlockId, cancellationToken).ConfigureAwait(false);
            if (output.Meta is not null)
            {
                // An earlier run wrote the output (and may already have compacted it further): only the marking is left.
                CompactionLogMessages.OutputExists(_logger, job.Tenant, job.Output.BlockId, job.Inputs.Count);
            }
            else
            {
                await WriteOutputAsync(store, job, tally, level, cancellationToken).ConfigureAwait(false);
            }

            foreach (var input in job.Inputs)
            {
                await BlockMarking.MarkCompactedAsync(store, input, now, cancellationToken).ConfigureAwait(false);
                tally.BlocksIn++;
            }
            CompactionMetrics.BlocksCompacted.Add(job.Inputs.Count, level);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var blockId = e is BlockCorruptException corrupt ? corrupt.BlockId : e is BlockNotFoundException missing ? missing.BlockId : (Guid?)null;
            var message = $"{job.Describe()} failed: {e.Message}";
            CompactionLogMessages.CompactionFailed(_logger, job.Describe(), e.Message, e);
            CompactionMetrics.Errors.Add(1);
            tally.Errors.Add(new CompactionError(job.Tenant, blockId, message));
        }
    }

    private async Task WriteOutputAsync(IObjectStore store, CompactionJob job, Tally tally, KeyValuePair<string, object?> level,
        CancellationToken cancellationToken)
    {
        var readers = new List<BlockReader>(job.Inputs.Count);
        foreach (var input in job.Inputs)
        {
            readers.Add(BlockReader.Open(store, input, _noCache));
        }
        var merger = new TraceMerger(readers, Gate);
        var writer = new BlockWriter(store, _options.Writer, _writerLogger);
        var result = await writer.WriteCompactedAsync(job.Tenant, job.Output, merger.MergeAsync(cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        Core.Diagnostics.CrashPoints.Hit(Core.Diagnostics.CrashPoints.CompactionAfterOutput);

        var meta = result.Meta;
        if (result.Written)
        {
            tally.BlocksOut++;
            tally.Spans += result.Spans;
            tally.Bytes += meta.Size;
            tally.Combined += merger.CombinedTraces;
            CompactionMetrics.ObjectsWritten.Add(meta.TotalObjects, level);
            CompactionMetrics.BytesWritten.Add(meta.Size, level);
            CompactionMetrics.ObjectsCombined.Add(merger.CombinedTraces, level);
            CompactionLogMessages.Compacted(_logger, job.Tenant, job.Inputs.Count, meta.BlockId, meta.CompactionLevel, meta.TotalObjects,
                result.Spans, meta.Size, merger.CombinedTraces);
        }
        else
        {
            CompactionLogMessages.OutputExists(_logger, job.Tenant, meta.BlockId, job.Inputs.Count);
        }
    }
}
