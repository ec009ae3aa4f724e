using System.Collections.Concurrent;
using System.Diagnostics;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Cli.Measurement;
using Tempo.Streaming.Cli.Querying;

namespace Tempo.Streaming.Cli.QueryBench;

/// <summary>
/// Trace-by-ID latency for random known IDs (BENCHMARKS.md "trace by ID latency"): a closed loop of
/// <see cref="QueryBenchOptions.Concurrency"/> workers, each sending the next request as soon as the previous answer is
/// read, over IDs drawn uniformly (seeded) from an acked-traces file.
/// </summary>
public sealed class QueryBenchRunner
{
    private readonly QueryBenchOptions _options;
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _errorExamples = new(StringComparer.Ordinal);
    private long _issued;
    private long _complete;
    private long _wrongSpanCount;
    private long _notFound;

    public QueryBenchRunner(QueryBenchOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid query-bench options: " + string.Join("; ", problems), nameof(options));
        }

        _options = options;
    }

    /// <summary>Requests completed so far in the measured phase.</summary>
    public long Completed => Math.Min(Interlocked.Read(ref _issued), _options.Requests);

    public async Task<QueryBenchSummary> RunAsync(CancellationToken stop)
    {
        var traces = LoadTraces(_options.IdsFile);
        using var client = new TraceByIdClient(_options.QueryEndpoint, _options.Tenant, _options.Format, _options.Concurrency);

        // Warm-up: same loop, nothing recorded.
        var warmupLeft = (long)_options.Warmup;
        await RunWorkersAsync(client, traces, () => Interlocked.Decrement(ref warmupLeft) >= 0, null, stop).ConfigureAwait(false);

        var lists = new List<double>[_options.Concurrency];
        var clock = Stopwatch.StartNew();
        await RunWorkersAsync(client, traces, () => Interlocked.Increment(ref _issued) <= _options.Requests, lists, stop)
            .ConfigureAwait(false);
        var elapsed = clock.Elapsed;

        var latencies = new List<double>(_options.Requests);
        foreach (var list in lists)
        {
            latencies.AddRange(list);
        }

        var summary = Percentiles.Summarize(latencies);
        return new QueryBenchSummary
        {
            KnownTraces = traces.Length,
            Mode = _options.Mode,
            Requests = latencies.Count,
            Elapsed = elapsed,
            Latency = summary,
            P999Ms = Percentiles.NearestRank(latencies, 0.999),
            Complete = Interlocked.Read(ref _complete),
            WrongSpanCount = Interlocked.Read(ref _wrongSpanCount),
            NotFound = Interlocked.Read(ref _notFound),
            ErrorsByKind = new SortedDictionary<string, long>(_errors, StringComparer.Ordinal),
            ErrorExamples = new SortedDictionary<string, string>(_errorExamples, StringComparer.Ordinal),
        };
    }

    /// <summary>Reads the acked-traces file; a trace acknowledged twice (a re-run appending) counts once.</summary>
    private KnownTrace[] LoadTraces(string path)
    {
        var byIndex = AckedTraceLog.Read(path);
        if (byIndex.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no acknowledged traces (expected 'index<TAB>32-hex-id' lines from load --acked-out)");
        }

        var workload = _options.WorkloadSeed is { } seed ? new ShopWorkload(seed, 0) : null;
        // The client appends what it is given to api/traces/, so the mode rides along as the request's query string;
        // built once here so that the measured loop does not format a URL per request.
        var query = _options.Mode is { } mode ? "?mode=" + mode : "";
        var traces = new KnownTrace[byIndex.Count];
        var i = 0;
        foreach (var (index, id) in byIndex)
        {
            traces[i++] = new KnownTrace(id, id + query, workload?.SpanCount(index) ?? -1);
        }

        // Dictionary order is not guaranteed: sort so that a random seed picks the same IDs on every run.
        Array.Sort(traces, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return traces;
    }

    private async Task RunWorkersAsync(TraceByIdClient client, KnownTrace[] traces, Func<bool> next, List<double>[]? lists,
        CancellationToken stop)
    {
        var workers = new Task[_options.Concurrency];
        for (var w = 0; w < workers.Length; w++)
        {
            var latencies = lists is null ? null : lists[w] = new List<double>(_options.Requests / workers.Length + 1);
            var random = new Random(unchecked((_options.RandomSeed * 7919) + w + (lists is null ? 100_003 : 0)));
            workers[w] = Task.Run(() => WorkerAsync(client, traces, random, next, latencies, stop), CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkerAsync(TraceByIdClient client, KnownTrace[] traces, Random random, Func<bool> next,
        List<double>? latencies, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && next())
        {
            var trace = traces[random.Next(traces.Length)];
            var started = Stopwatch.GetTimestamp();
            TraceLookup? answer = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                timeout.CancelAfter(_options.RequestTimeout);
                try
                {
                    answer = await client.GetAsync(trace.PathAndQuery, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    RecordError(latencies, "timeout", $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (HttpRequestException e)
                {
                    RecordError(latencies, $"exception HttpRequestException/{e.HttpRequestError}", e.InnerException?.Message ?? e.Message);
                }
            }

            if (latencies is null)
            {
                continue;
            }

            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (answer is not { } a)
            {
                continue;
            }

            if (a.Error is not null)
            {
                RecordError(latencies, "unreadable body", a.Error);
            }
            else if (a.StatusCode == 404)
            {
                Interlocked.Increment(ref _notFound);
            }
            else if (a.StatusCode != 200)
            {
                RecordError(latencies, $"http {a.StatusCode}", $"GET /api/traces/{trace.PathAndQuery} answered {a.StatusCode}");
            }
            else if (trace.SpanCount >= 0 && a.SpanCount != trace.SpanCount)
            {
                Interlocked.Increment(ref _wrongSpanCount);
                _errorExamples.TryAdd("wrong span count", $"trace {trace.Id}: {a.SpanCount} spans, {trace.SpanCount} sent");
            }
            else
            {
                Interlocked.Increment(ref _complete);
            }
        }
    }

    private void RecordError(List<double>? latencies, string kind, string message)
    {
        if (latencies is null)
        {
            return; // warm-up answers are not judged
        }

        _errors.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        _errorExamples.TryAdd(kind, message);
    }

    /// <param name="Id">Trace ID as 32 hex digits.</param>
    /// <param name="PathAndQuery">What follows <c>api/traces/</c> in the request: the ID and, with a mode, its query string.</param>
    /// <param name="SpanCount">Spans the generator sent, or -1 when not checked.</param>
    private readonly record struct KnownTrace(string Id, string PathAndQuery, int SpanCount);
}
