using Tempo.Streaming.Cli.Commands;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Querying;

namespace Tempo.Streaming.Cli.Tests.Benchmarking;

public sealed class BenchmarkCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-bench-args-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Freshness_defaults_to_half_the_ingest_target()
    {
        var (options, problems) = FreshnessCommand.Parse([]);
        problems.Should().BeEmpty();
        options!.Load.Rate.Should().Be(75_000);
        options.Load.Protocol.Should().Be(LoadProtocol.OtlpGrpc);
        options.Load.Duration.Should().BeNull("LoadRunner's own default (30 s) applies");
        options.QueryEndpoint.Should().Be(new Uri("http://localhost:3200"));
        options.SampleEvery.Should().Be(10);
        options.PollInterval.Should().Be(TimeSpan.FromMilliseconds(10));
        options.ProbeTimeout.Should().Be(TimeSpan.FromSeconds(30));
        options.Format.Should().Be(TraceResponseFormat.Protobuf);
    }

    [Fact]
    public void Freshness_binds_every_option()
    {
        var (options, problems) = FreshnessCommand.Parse(
        [
            "--endpoint", "127.0.0.1:14317", "--query-endpoint", "127.0.0.1:13200", "--rate", "5000", "--duration", "1m30s",
            "--sample-every", "1", "--poll-interval", "2ms", "--probe-timeout", "5s", "--max-probes", "64", "--format", "json",
            "--tenant", "team-a", "--batch-spans", "200", "--concurrency", "2", "--protocol", "otlp-http",
        ]);
        problems.Should().BeEmpty();
        options!.Load.Endpoint.Should().Be("127.0.0.1:14317");
        options.Load.Protocol.Should().Be(LoadProtocol.OtlpHttp);
        options.Load.Rate.Should().Be(5000);
        options.Load.Duration.Should().Be(TimeSpan.FromSeconds(90));
        options.Load.Tenant.Should().Be("team-a");
        options.Load.BatchSpans.Should().Be(200);
        options.Load.Concurrency.Should().Be(2);
        options.QueryEndpoint.Should().Be(new Uri("http://127.0.0.1:13200"));
        options.SampleEvery.Should().Be(1);
        options.PollInterval.Should().Be(TimeSpan.FromMilliseconds(2));
        options.ProbeTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.MaxProbes.Should().Be(64);
        options.Format.Should().Be(TraceResponseFormat.Json);
    }

    [Fact]
    public void Freshness_names_each_bad_value()
    {
        var (options, problems) = FreshnessCommand.Parse(
            ["--sample-every", "0", "--poll-interval", "often", "--query-endpoint", "ftp://x", "--rate", "-5", "--duration", "soon"]);
        options.Should().BeNull();
        problems.Should().Contain(p => p.Contains("--sample-every"));
        problems.Should().Contain(p => p.Contains("--poll-interval 'often'"));
        problems.Should().Contain(p => p.Contains("--query-endpoint 'ftp://x'"));
        problems.Should().Contain(p => p.Contains("--rate"));
        problems.Should().Contain(p => p.Contains("--duration 'soon'"));

        FreshnessCommand.Parse(["--format", "xml"]).Problems.Should().NotBeEmpty();
        FreshnessCommand.Parse(["--in", "batches.bin"]).Problems.Should().NotBeEmpty("freshness has no --in");
    }

    [Fact]
    public void Query_bench_needs_an_existing_ids_file()
    {
        QueryBenchCommand.Parse([]).Problems.Should().Contain(p => p.Contains("--ids"));
        var missing = Path.Combine(_dir, "missing.tsv");
        QueryBenchCommand.Parse(["--ids", missing]).Problems.Should().ContainSingle().Which.Should().Contain("acked-out");

        var ids = Path.Combine(_dir, "acked.tsv");
        File.WriteAllText(ids, "0\t0123456789abcdef0123456789abcdef\n");
        var (options, problems) = QueryBenchCommand.Parse(["--ids", ids]);
        problems.Should().BeEmpty();
        options!.Requests.Should().Be(20_000);
        options.Concurrency.Should().Be(4);
        options.Warmup.Should().Be(200);
        options.WorkloadSeed.Should().Be(42);
        options.Format.Should().Be(TraceResponseFormat.Protobuf);
        options.QueryEndpoint.Should().Be(new Uri("http://localhost:3200"));

        (options, problems) = QueryBenchCommand.Parse(
            ["--ids", ids, "--requests", "10", "--concurrency", "1", "--no-verify", "--format", "json", "--query-endpoint", "http://h:1", "--timeout", "2s"]);
        problems.Should().BeEmpty();
        options!.WorkloadSeed.Should().BeNull();
        options.Format.Should().Be(TraceResponseFormat.Json);
        options.RequestTimeout.Should().Be(TimeSpan.FromSeconds(2));

        problems = QueryBenchCommand.Parse(["--ids", ids, "--requests", "0", "--concurrency", "0", "--timeout", "never"]).Problems;
        problems.Should().Contain(p => p.Contains("--requests")).And.Contain(p => p.Contains("--concurrency")).And.Contain(p => p.Contains("--timeout"));
    }

    [Fact]
    public void Consumption_pushes_at_full_speed_by_default()
    {
        var (options, problems) = ConsumptionCommand.Parse(["--duration", "20s"]);
        problems.Should().BeEmpty();
        options!.Load.Rate.Should().Be(0);
        options.Load.Duration.Should().Be(TimeSpan.FromSeconds(20));
        options.Metric.Should().Be("tempo_live_store_spans_stored_total");
        options.ScrapeInterval.Should().Be(TimeSpan.FromSeconds(1));
        options.CatchUpTimeout.Should().Be(TimeSpan.FromMinutes(5));
        options.MetricsUri.Should().Be(new Uri("http://localhost:3200/metrics"));

        ConsumptionCommand.Parse(["--scrape-interval", "10ms"]).Problems.Should().ContainSingle().Which.Should().Contain("--scrape-interval");
        ConsumptionCommand.Parse(["--catch-up-timeout", "later"]).Problems.Should().ContainSingle().Which.Should().Contain("--catch-up-timeout");
    }
}
