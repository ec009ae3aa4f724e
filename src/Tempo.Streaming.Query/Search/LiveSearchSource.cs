using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Traces;
using Tempo.Streaming.TraceQL.Engine;

namespace Tempo.Streaming.Query.Search;

/// <summary>
/// Search over a live store's recent traces: each trace's fragments are combined (duplicate spans removed, as trace by
/// ID does) and evaluated whole. Recent data is minutes of traces held in RocksDB; the scan stops as soon as the
/// search has enough.
/// </summary>
public sealed class LiveSearchSource(ITraceScanSource store, long maxBytesPerTrace = 0) : ISearchSource
{
    async Task ISearchSource.SearchAsync(string tenant, TraceCondition condition, ITraceSink sink, SearchJobs jobs, CancellationToken cancellationToken)
    {
        jobs.Planned(1);
        await Task.Yield();
        long traces = 0, bytes = 0;
        foreach (var scanned in store.ScanTraces(tenant, sink.Window, cancellationToken))
        {
            if (sink.Enough)
            {
                break;
            }

            var combiner = new TraceCombiner(maxBytesPerTrace);
            foreach (var fragment in scanned.Fragments)
            {
                combiner.Consume(fragment.Span);
            }
            traces++;
            bytes += scanned.InspectedBytes;
            if (combiner.Result() is not { } trace)
            {
                continue;
            }

            sink.Add(OtlpTraceModel.Build(scanned.TraceId, trace));
        }
        sink.CountInspected(traces, bytes);
        jobs.Done();
    }
}
