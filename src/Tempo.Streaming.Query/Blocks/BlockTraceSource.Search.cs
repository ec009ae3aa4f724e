using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet.Scanning;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.TraceQL.Engine;

namespace Tempo.Streaming.Query.Blocks;

public sealed partial class BlockTraceSource : ISearchSource
{
    /// <summary>
    /// Search over the tenant's blocks whose time range overlaps the window, several at once (bounded as trace by ID
    /// is), each one job: the condition is pushed down into the block's columns and only candidate rows are decoded
    /// and evaluated. Newest blocks first, so a search without <c>most_recent</c> that stops early answers with recent
    /// traces. A damaged block is logged and skipped, as trace by ID skips it.
    /// </summary>
    async Task ISearchSource.SearchAsync(string tenant, TraceCondition condition, ITraceSink sink, SearchJobs jobs, CancellationToken cancellationToken)
    {
        var blocks = Candidates(_blocks.Metas(tenant), sink.Window, Guid.Empty, BlockIdMax);
        blocks.Sort(static (a, b) => b.EndTime.CompareTo(a.EndTime));
        jobs.Planned(blocks.Count, blocks.Count);
        if (blocks.Count == 0)
        {
            return;
        }

        _metrics.BlocksInspected.Add(blocks.Count, new KeyValuePair<string, object?>("tenant", tenant));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentBlocks, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(blocks, parallel, async (meta, token) =>
        {
            if (!sink.Enough)
            {
                await SearchBlockAsync(meta, condition, sink, token).ConfigureAwait(false);
            }
            jobs.Done();
        }).ConfigureAwait(false);
    }

    private async Task SearchBlockAsync(BlockMeta meta, TraceCondition condition, ITraceSink sink, CancellationToken cancellationToken)
    {
        if (!string.Equals(meta.Format, BlockMeta.VParquet4, StringComparison.Ordinal))
        {
            BlockQueryLogMessages.BlockFormatUnsupported(_logger, meta.TenantId, meta.BlockId, meta.Format);
            return;
        }

        using var inspected = InspectedBytesStore.BeginLookup();
        long traces = 0;
        await GuardAsync<object>(meta, async reader =>
        {
            await foreach (var (traceId, trace) in reader.ReadCandidateTracesAsync(condition, new ScanStatistics(), cancellationToken).ConfigureAwait(false))
            {
                traces++;
                sink.Add(OtlpTraceModel.Build(traceId, trace));
                if (sink.Enough)
                {
                    break;
                }
            }
            return null;
        }, cancellationToken).ConfigureAwait(false);
        sink.CountInspected(traces, inspected.Bytes);
    }
}
