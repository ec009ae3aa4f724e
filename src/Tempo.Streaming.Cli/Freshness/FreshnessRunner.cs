using System.Collections.Concurrent;
using System.Diagnostics;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Cli.Measurement;
using Tempo.Streaming.Cli.Querying;

namespace Tempo.Streaming.Cli.Freshness;

/// <summary>A point-in-time view of a freshness run.</summary>
public readonly record struct FreshnessProgress(LoadProgress Load, long Sampled, long Found, long TimedOut, int ActiveProbes);

/// <summary>
/// Measures end-to-end freshness (BENCHMARKS.md): the load generator pushes; when a batch is acknowledged, each sampled
/// trace of it gets a probe that asks <c>GET /api/traces/&lt;id&gt;</c> at once and then every poll interval until the
/// answer holds every span the generator sent for that trace (its span count is a pure function of seed and index).
/// The delay recorded is from the acknowledgement to the arrival of that complete answer, so it overstates the true delay
/// by at most one poll interval (or <see cref="FreshnessOptions.RelativePollResolution"/> of the delay, when larger) plus
/// one request.
/// </summary>
public sealed class FreshnessRunner
{
    private readonly FreshnessOptions _options;
    private readonly LoadRunner _load;
    private readonly ShopWorkload _workload;
    private readonly ConcurrentQueue<double> _delaysMs = new();
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _errorExamples = new(StringComparer.Ordinal);
    private readonly Lock _probesLock = new();
    private readonly List<Task> _probes = [];
    private TraceByIdClient? _client;
    private CancellationToken _stop;
    private int _activeProbes;
    private long _sampled;
    private long _found;
    private long _timedOut;
    private long _overComplete;
    private long _skipped;
    private long _polls;
    private long _partial;

    public FreshnessRunner(FreshnessOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid freshness options: " + string.Join("; ", problems), nameof(options));
        }

        _options = options;
        // Trace IDs and span counts depend on (seed, index) only, not on the base time.
        _workload = new ShopWorkload(options.Load.Seed, 0);
        _load = new LoadRunner(options.Load);
        _load.BatchAcknowledged += OnBatchAcknowledged;
    }

    public FreshnessProgress Progress => new(_load.Progress, Interlocked.Read(ref _sampled), Interlocked.Read(ref _found),
        Interlocked.Read(ref _timedOut), Volatile.Read(ref _activeProbes));

    /// <summary>Pushes until the load ends, then waits for every probe (each ends within the probe timeout).</summary>
    public async Task<FreshnessSummary> RunAsync(CancellationToken stop)
    {
        using var client = new TraceByIdClient(_options.QueryEndpoint, _options.Load.Tenant, _options.Format, _options.QueryConnections);
        _client = client;
        _stop = stop;
        var load = await _load.RunAsync(stop).ConfigureAwait(false);
        Task[] probes;
        lock (_probesLock)
        {
            probes = [.. _probes];
        }

        await Task.WhenAll(probes).ConfigureAwait(false);
        var delays = new List<double>(_delaysMs);
        return new FreshnessSummary
        {
            Load = load,
            Delay = Percentiles.Summarize(delays),
            Sampled = Interlocked.Read(ref _sampled),
            Found = Interlocked.Read(ref _found),
            TimedOut = Interlocked.Read(ref _timedOut),
            OverComplete = Interlocked.Read(ref _overComplete),
            Skipped = Interlocked.Read(ref _skipped),
            Polls = Interlocked.Read(ref _polls),
            PartialAnswers = Interlocked.Read(ref _partial),
            PollErrorsByKind = new SortedDictionary<string, long>(_errors, StringComparer.Ordinal),
            PollErrorExamples = new SortedDictionary<string, string>(_errorExamples, StringComparer.Ordinal),
        };
    }

    /// <summary>Runs on the sender that got the acknowledgement: take the time first, then start the sampled probes.</summary>
    private void OnBatchAcknowledged(AcknowledgedBatch batch)
    {
        var acknowledged = Stopwatch.GetTimestamp();
        var every = _options.SampleEvery;
        var first = batch.FirstTrace + ((every - (batch.FirstTrace % every)) % every);
        for (var index = first; index < batch.FirstTrace + batch.TraceCount; index += every)
        {
            Interlocked.Increment(ref _sampled);
            if (Interlocked.Increment(ref _activeProbes) > _options.MaxProbes)
            {
                Interlocked.Decrement(ref _activeProbes);
                Interlocked.Increment(ref _skipped);
                continue;
            }

            var traceIndex = index;
            var probe = Task.Run(() => ProbeAsync(traceIndex, acknowledged), CancellationToken.None);
            lock (_probesLock)
            {
                _probes.Add(probe);
            }
        }
    }

    private async Task ProbeAsync(long traceIndex, long acknowledged)
    {
        try
        {
            var traceId = _workload.TraceIdHex(traceIndex);
            var expected = _workload.SpanCount(traceIndex);
            var deadline = acknowledged + (long)(_options.ProbeTimeout.TotalSeconds * Stopwatch.Frequency);
            while (!_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _polls);
                var answer = await PollAsync(traceId).ConfigureAwait(false);
                if (answer is { Found: true } found)
                {
                    if (found.SpanCount == expected)
                    {
                        _delaysMs.Enqueue(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
                        Interlocked.Increment(ref _found);
                        return;
                    }

                    if (found.SpanCount > expected)
                    {
                        Interlocked.Increment(ref _overComplete);
                        RecordError("more spans than sent", $"trace {traceId} (index {traceIndex}): {found.SpanCount} spans, {expected} sent");
                        return;
                    }

                    Interlocked.Increment(ref _partial);
                }

                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    Interlocked.Increment(ref _timedOut);
                    return;
                }

                try
                {
                    await Task.Delay(NextPollDelay(Stopwatch.GetElapsedTime(acknowledged)), _stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _activeProbes);
        }
    }

    /// <summary>
    /// The poll interval, or a fixed share of the time already waited when that is longer: a trace that is seconds late
    /// (the live store lagging) is then measured to within a few percent without every waiting probe asking every
    /// interval, which would flood the server being measured and make the lag worse.
    /// </summary>
    private TimeSpan NextPollDelay(TimeSpan waited)
    {
        var relative = TimeSpan.FromTicks((long)(waited.Ticks * FreshnessOptions.RelativePollResolution));
        return relative > _options.PollInterval ? relative : _options.PollInterval;
    }

    /// <summary>One request; failures are counted by kind and read as "not there yet" so the probe keeps polling.</summary>
    private async Task<TraceLookup?> PollAsync(string traceId)
    {
        using var timeout = new CancellationTokenSource(_options.Load.RequestTimeout);
        try
        {
            var answer = await _client!.GetAsync(traceId, timeout.Token).ConfigureAwait(false);
            if (answer.Error is not null)
            {
                RecordError("unreadable body", answer.Error);
                return null;
            }

            if (answer.StatusCode is not (200 or 404))
            {
                RecordError($"http {answer.StatusCode}", $"GET /api/traces/{traceId} answered {answer.StatusCode}");
            }

            return answer;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            RecordError("timeout", $"GET /api/traces/{traceId}: no answer within {_options.Load.RequestTimeout.TotalSeconds:0.#} s");
            return null;
        }
        catch (HttpRequestException e)
        {
            RecordError($"exception HttpRequestException/{e.HttpRequestError}", e.InnerException?.Message ?? e.Message);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private void RecordError(string kind, string message)
    {
        _errors.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        _errorExamples.TryAdd(kind, message);
    }
}
