using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Core;
using Tempo.Streaming.Tempopb;
using Tempo.Streaming.TraceQL.Ast;
using Tempo.Streaming.TraceQL.Engine;

namespace Tempo.Streaming.Query.Search;

/// <summary>How a search runs: the window, how many traces, how many spans per spanset, newest first or first found.</summary>
/// <param name="Window">start/end of the request (unix seconds); <see cref="Core.Querying.QueryWindow.All"/> for none.</param>
/// <param name="Limit">At most this many traces (Tempo's default 20).</param>
/// <param name="SpansPerSpanSet">At most this many spans listed per spanset (Tempo's default 3); <c>matched</c> counts all.</param>
/// <param name="MostRecent">True: the newest traces of the whole window (searches everything); false: the first found.
/// The query's <c>with(most_recent=true)</c> hint sets it too.</param>
public sealed record SearchOptions(Core.Querying.QueryWindow Window, int Limit, int SpansPerSpanSet, bool MostRecent);

/// <summary>A store a search reads: the live store's recent traces (<see cref="LiveSearchSource"/>) or the blocks
/// (<see cref="Blocks.BlockTraceSource"/>). Each is one job of the search's metrics.</summary>
public interface ISearchSource
{
    /// <summary>
    /// Hands the sink every trace of the tenant that may satisfy <paramref name="condition"/> (a superset: the sink
    /// evaluates the query itself), until done or the sink has enough.
    /// </summary>
    internal Task SearchAsync(string tenant, TraceCondition condition, ITraceSink sink, SearchJobs jobs, CancellationToken cancellationToken);
}

/// <summary>What a search source feeds: the search's results, or the tag names and values of matching spans.</summary>
internal interface ITraceSink
{
    /// <summary>The request's time range; a source may skip what lies outside it, the sink checks each trace anyway.</summary>
    Core.Querying.QueryWindow Window { get; }

    /// <summary>True when no source needs to look further.</summary>
    bool Enough { get; }

    /// <summary>A decoded candidate trace (thread-safe: sources run at once).</summary>
    void Add(EvalTrace trace);

    /// <summary>Traces and bytes a source read, for the response's metrics.</summary>
    void CountInspected(long traces, long bytes);
}

/// <summary>The search metrics' job and block counts, shared by the sources of one search.</summary>
internal sealed class SearchJobs
{
    private int _total;
    private int _completed;
    private int _blocks;

    public int Total => Volatile.Read(ref _total);
    public int Completed => Volatile.Read(ref _completed);
    public int Blocks => Volatile.Read(ref _blocks);

    public void Planned(int jobs, int blocks = 0)
    {
        Interlocked.Add(ref _total, jobs);
        Interlocked.Add(ref _blocks, blocks);
    }

    public void Done() => Interlocked.Increment(ref _completed);
}

/// <summary>
/// TraceQL search (<c>/api/search</c>) over the live store and the blocks: every source evaluates the query on its
/// own traces (each pushes the query's <see cref="TraceCondition"/> down first), the results merge per trace, and the
/// answer is Tempo's: the newest <c>limit</c> traces, each with its spansets, <c>spss</c> spans listed per spanset.
/// </summary>
public sealed class SearchQuerier(IReadOnlyList<ISearchSource> sources)
{
    /// <summary>Tempo's text for a trace whose root span is not stored (yet).</summary>
    public const string RootSpanNotYetReceived = "<root span not yet received>";

    public IReadOnlyList<ISearchSource> Sources { get; } = sources ?? throw new ArgumentNullException(nameof(sources));

    /// <exception cref="TraceQL.TraceQLUnsupportedException">A metrics query or a filter over scalar pipelines.</exception>
    public async Task<SearchResponse> SearchAsync(string tenant, RootExpression query, SearchOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Limit < 1 || options.SpansPerSpanSet < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "limit and spans per spanset must be positive");
        }

        var search = TraceQLSearch.Compile(query);
        if (search.MostRecent && !options.MostRecent)
        {
            options = options with { MostRecent = true };
        }

        var results = new SearchResults(options, search);
        var jobs = new SearchJobs();
        await Task.WhenAll(Sources.Select(source =>
                Task.Run(() => source.SearchAsync(tenant, search.Condition, results, jobs, cancellationToken), cancellationToken)))
            .ConfigureAwait(false);
        return Response(results, jobs, options);
    }

    private static SearchResponse Response(SearchResults results, SearchJobs jobs, SearchOptions options)
    {
        var response = new SearchResponse
        {
            Metrics = new SearchMetrics
            {
                InspectedTraces = (uint)Math.Min(results.InspectedTraces, uint.MaxValue),
                InspectedBytes = (ulong)results.InspectedBytes,
                TotalBlocks = (uint)jobs.Blocks,
                CompletedJobs = (uint)jobs.Completed,
                TotalJobs = (uint)jobs.Total,
            },
        };

        foreach (var hit in results.Top())
        {
            var metadata = new TraceSearchMetadata
            {
                TraceID = IdText.TraceId(hit.TraceId),
                RootServiceName = hit.RootServiceName ?? RootSpanNotYetReceived,
                RootTraceName = hit.RootSpanName ?? "",
                StartTimeUnixNano = hit.StartUnixNanos,
                DurationMs = (uint)Math.Min((hit.EndUnixNanos - hit.StartUnixNanos) / 1_000_000UL, uint.MaxValue),
            };
            foreach (var (service, stats) in hit.ServiceStats)
            {
                metadata.ServiceStats[service] = new ServiceStats { SpanCount = (uint)stats.Spans, ErrorCount = (uint)stats.Errors };
            }

            foreach (var spanset in hit.Spansets)
            {
                var set = new SpanSet { Matched = (uint)spanset.Spans.Count };
                foreach (var (key, value) in spanset.Attributes)
                {
                    set.Attributes.Add(new KeyValue { Key = key, Value = AnyValueOf(value) });
                }
                foreach (var span in spanset.Spans.OrderBy(s => s.StartUnixNanos).Take(options.SpansPerSpanSet))
                {
                    var listed = new Span
                    {
                        SpanID = span.SpanId,
                        Name = span.Name,
                        StartTimeUnixNano = span.StartUnixNanos,
                        DurationNanos = span.DurationNanos,
                    };
                    foreach (var (key, value) in span.Attributes)
                    {
                        listed.Attributes.Add(new KeyValue { Key = key, Value = AnyValueOf(value) });
                    }
                    set.Spans.Add(listed);
                }
                metadata.SpanSets.Add(set);
            }
            if (metadata.SpanSets.Count > 0)
            {
                metadata.SpanSet = metadata.SpanSets[0].Clone();
            }
            response.Traces.Add(metadata);
        }
        return response;
    }

    /// <summary>A value as Tempo's results carry it: durations as Go duration text, statuses and kinds as keywords.</summary>
    private static AnyValue AnyValueOf(Static value) => value.Type switch
    {
        StaticType.Int => new AnyValue { IntValue = value.Int },
        StaticType.Float => new AnyValue { DoubleValue = value.Float },
        StaticType.Boolean => new AnyValue { BoolValue = value.Bool },
        StaticType.String => new AnyValue { StringValue = value.String },
        StaticType.Duration => new AnyValue { StringValue = GoDuration.Format(TimeSpan.FromTicks(value.Int / 100)) },
        _ => new AnyValue { StringValue = value.ToString() },
    };
}
