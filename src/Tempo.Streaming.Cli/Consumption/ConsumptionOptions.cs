using Tempo.Streaming.Cli.Load;

namespace Tempo.Streaming.Cli.Consumption;

/// <summary>
/// Settings of a <c>consumption</c> run: push with <see cref="Load"/> (full speed by default) while reading the live
/// store's stored-spans counter from the server's /metrics every <see cref="ScrapeInterval"/>, then keep reading until
/// the live store has caught up with everything acknowledged. Call <see cref="Validate"/> before running.
/// </summary>
public sealed record ConsumptionOptions
{
    /// <summary>The live store's counter of spans written to RocksDB (Tempo.Streaming.LiveStore meter).</summary>
    public const string DefaultMetric = "tempo_live_store_spans_stored_total";

    /// <summary>
    /// A gauge the live store exposes from the moment it has opened (records behind the high watermark, per partition).
    /// A counter only appears on /metrics after its first increment, so before anything was consumed this gauge is how
    /// a missing <see cref="Metric"/> is told apart from a server without a live store.
    /// </summary>
    public const string LiveStorePresenceMetric = "tempo_ingest_group_partition_lag";

    public required LoadOptions Load { get; init; }

    /// <summary>Base URL of the server's HTTP port; /metrics is read there.</summary>
    public required Uri QueryEndpoint { get; init; }

    public string Metric { get; init; } = DefaultMetric;

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait after the load for the stored count to reach the acknowledged count.</summary>
    public TimeSpan CatchUpTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public Uri MetricsUri => new(QueryEndpoint.GetLeftPart(UriPartial.Authority) + "/metrics");

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(Load.Validate());
        if (Load.OutputFile is not null)
        {
            problems.Add("consumption needs a server: --out does not apply");
        }

        if (ScrapeInterval < TimeSpan.FromMilliseconds(100))
        {
            problems.Add($"--scrape-interval must be at least 100ms (got {ScrapeInterval.TotalMilliseconds:0.#} ms)");
        }

        if (CatchUpTimeout < TimeSpan.Zero)
        {
            problems.Add("--catch-up-timeout must not be negative");
        }

        if (string.IsNullOrWhiteSpace(Metric))
        {
            problems.Add("--metric must name a counter");
        }

        return problems;
    }
}
