using System.Diagnostics;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Measurement;

namespace Tempo.Streaming.Cli.Consumption;

/// <summary>
/// End-to-end consumption rate (issue 3's "≥ 150,000 spans/s applied to RocksDB", measured through the running server):
/// the load generator pushes while the live store's stored-spans counter is read from /metrics at a fixed interval;
/// after the load, reading continues until the counter covers every acknowledged span. Rates are counter deltas over
/// wall-clock intervals measured here, so scrape latency only shifts a reading, it does not accumulate.
/// </summary>
public sealed class ConsumptionRunner : IDisposable
{
    private readonly ConsumptionOptions _options;
    private readonly LoadRunner _load;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Lock _samplesLock = new();
    private readonly List<ConsumptionSample> _samples = [];
    private long _missedReadings;

    public ConsumptionRunner(ConsumptionOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid consumption options: " + string.Join("; ", problems), nameof(options));
        }

        _options = options;
        _load = new LoadRunner(options.Load);
    }

    public LoadProgress LoadProgress => _load.Progress;

    /// <summary>Readings during the run that failed (timeout, connection error) and were skipped.</summary>
    public long MissedReadings => Interlocked.Read(ref _missedReadings);

    /// <summary>The latest reading, for progress displays.</summary>
    public ConsumptionSample? LastSample
    {
        get
        {
            lock (_samplesLock)
            {
                return _samples.Count == 0 ? null : _samples[^1];
            }
        }
    }

    /// <exception cref="InvalidOperationException">/metrics cannot be read or has no such counter before the load starts.</exception>
    public async Task<ConsumptionSummary> RunAsync(CancellationToken stop)
    {
        // The baseline must exist before pushing: a counter that is missing here would make every rate meaningless.
        var baseline = await ReadBaselineAsync(stop).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        AddSample(new ConsumptionSample(0, 0, 0));

        var load = _load.RunAsync(stop);
        var scraping = ScrapeUntilAsync(baseline, clock, () => load.IsCompleted, stop);
        var summary = await load.ConfigureAwait(false);
        await scraping.ConfigureAwait(false);
        var loadEndSeconds = clock.Elapsed.TotalSeconds;

        var target = summary.AcknowledgedSpans - summary.RejectedSpans;
        var catchUpDeadline = clock.Elapsed + _options.CatchUpTimeout;
        var caughtUp = LastSample is { } last && last.StoredSpans >= target;
        while (!caughtUp && clock.Elapsed < catchUpDeadline && !stop.IsCancellationRequested)
        {
            await DelayAsync(_options.ScrapeInterval, stop).ConfigureAwait(false);
            if (await TryReadCounterAsync(stop).ConfigureAwait(false) is { } value)
            {
                AddSample(new ConsumptionSample(clock.Elapsed.TotalSeconds, value - baseline, summary.AcknowledgedSpans));
                caughtUp = value - baseline >= target;
            }
        }

        ConsumptionSample[] samples;
        lock (_samplesLock)
        {
            samples = [.. _samples];
        }

        var end = samples[^1];
        return new ConsumptionSummary
        {
            Load = summary,
            StoredSpans = end.StoredSpans,
            MedianStoredPerSecondDuringLoad = MedianRate(samples, loadEndSeconds),
            MedianStoredPerSecondUntilCaughtUp = MedianRate(samples, double.MaxValue),
            StoredPerSecondOverall = end.Seconds > 0 ? end.StoredSpans / end.Seconds : 0,
            MaxLagSpans = MaxLag(samples),
            CaughtUp = caughtUp,
            CatchUp = TimeSpan.FromSeconds(Math.Max(0, end.Seconds - loadEndSeconds)),
            Samples = samples,
        };
    }

    /// <summary>
    /// Median of the rates between consecutive readings that both lie within [0, <paramref name="untilSeconds"/>];
    /// an interval in which nothing was waiting to be stored (stored = acknowledged at its start) is left out, since its
    /// rate measures the load, not the consumer.
    /// </summary>
    public static double MedianRate(IReadOnlyList<ConsumptionSample> samples, double untilSeconds)
    {
        var rates = new List<double>(samples.Count);
        for (var i = 1; i < samples.Count && samples[i].Seconds <= untilSeconds; i++)
        {
            var previous = samples[i - 1];
            var seconds = samples[i].Seconds - previous.Seconds;
            var idle = previous.StoredSpans >= previous.AcknowledgedSpans && samples[i].AcknowledgedSpans == previous.AcknowledgedSpans;
            if (seconds <= 0 || idle)
            {
                continue;
            }

            rates.Add((samples[i].StoredSpans - previous.StoredSpans) / seconds);
        }

        return rates.Count == 0 ? 0 : Percentiles.Median(rates);
    }

    private static double MaxLag(IReadOnlyList<ConsumptionSample> samples)
    {
        double max = 0;
        foreach (var sample in samples)
        {
            max = Math.Max(max, sample.AcknowledgedSpans - sample.StoredSpans);
        }

        return max;
    }

    private async Task ScrapeUntilAsync(double baseline, Stopwatch clock, Func<bool> loadDone, CancellationToken stop)
    {
        var next = _options.ScrapeInterval;
        while (!loadDone() && !stop.IsCancellationRequested)
        {
            // Sleep to the next tick of a fixed schedule, so readings stay evenly spaced however long a scrape takes.
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await DelayAsync(wait, stop).ConfigureAwait(false);
            }

            next += _options.ScrapeInterval;
            var acknowledged = _load.Progress.AcknowledgedSpans;
            if (await TryReadCounterAsync(stop).ConfigureAwait(false) is { } value)
            {
                AddSample(new ConsumptionSample(clock.Elapsed.TotalSeconds, value - baseline, acknowledged));
            }
        }
    }

    /// <summary>The counter before the push; 0 when it has not appeared yet but the live store has (nothing consumed so far).</summary>
    private async Task<double> ReadBaselineAsync(CancellationToken stop)
    {
        var text = await ReadExpositionAsync(stop).ConfigureAwait(false);
        if (PrometheusText.Sum(text, _options.Metric) is { } value)
        {
            return value;
        }

        return PrometheusText.Sum(text, ConsumptionOptions.LiveStorePresenceMetric) is not null
            ? 0
            : throw new InvalidOperationException(
                $"{_options.MetricsUri} has neither '{_options.Metric}' nor '{ConsumptionOptions.LiveStorePresenceMetric}': " +
                "is the live store running (target all or live-store)?");
    }

    /// <summary>The counter now; a counter not yet on /metrics has not been incremented, which reads as 0.</summary>
    private async Task<double?> ReadCounterAsync(CancellationToken stop) =>
        PrometheusText.Sum(await ReadExpositionAsync(stop).ConfigureAwait(false), _options.Metric) ?? 0;

    private async Task<string> ReadExpositionAsync(CancellationToken stop)
    {
        try
        {
            return await _http.GetStringAsync(_options.MetricsUri, stop).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"cannot read {_options.MetricsUri}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!stop.IsCancellationRequested)
        {
            throw new InvalidOperationException($"cannot read {_options.MetricsUri}: no answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
    }

    /// <summary>A reading during the run: one that fails is skipped (the next interval simply gets longer).</summary>
    private async Task<double?> TryReadCounterAsync(CancellationToken stop)
    {
        try
        {
            return await ReadCounterAsync(stop).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            Interlocked.Increment(ref _missedReadings);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void AddSample(ConsumptionSample sample)
    {
        lock (_samplesLock)
        {
            _samples.Add(sample);
        }
    }

    public void Dispose() => _http.Dispose();
}
