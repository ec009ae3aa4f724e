using Tempo.Streaming.Cli.Consumption;
using Tempo.Streaming.Cli.Freshness;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Cli.QueryBench;

namespace Tempo.Streaming.Cli.Tests.Benchmarking;

/// <summary>The measuring commands against fakes: what they count and report, never how fast anything was.</summary>
public sealed class BenchmarkRunnerTests : IDisposable
{
    private static readonly DateTimeOffset BaseTime = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-bench-runs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LoadOptions Push(FakeOtlpServer ingest, long traces, string? ackedOut = null) => new()
    {
        Endpoint = ingest.BaseAddress.ToString(),
        Protocol = LoadProtocol.OtlpHttp,
        Traces = traces,
        BatchSpans = 300,
        Concurrency = 2,
        StartTime = BaseTime,
        Tenant = "team-a",
        AckedOutputFile = ackedOut,
    };

    [Fact]
    public async Task Freshness_probes_every_sampled_trace_until_it_is_complete()
    {
        await using var ingest = await FakeOtlpServer.StartAsync(grpc: false);
        await using var query = await FakeTempoQueryServer.StartAsync(ingest);
        query.HideFirstPolls = 2;
        var runner = new FreshnessRunner(new FreshnessOptions
        {
            Load = Push(ingest, 100),
            QueryEndpoint = query.BaseAddress,
            SampleEvery = 7,
            PollInterval = TimeSpan.FromMilliseconds(1),
        });

        var summary = await runner.RunAsync(CancellationToken.None);

        summary.Load.AcknowledgedTraces.Should().Be(100);
        summary.Sampled.Should().Be(15, "indexes 0, 7, ..., 98");
        summary.Found.Should().Be(15);
        summary.TimedOut.Should().Be(0);
        summary.Skipped.Should().Be(0);
        summary.Delay.Count.Should().Be(15);
        summary.Polls.Should().Be(15 * 3, "two hidden polls, then the complete answer");
        summary.PollErrorsByKind.Should().BeEmpty();
        summary.HasErrors.Should().BeFalse();
        var workload = new ShopWorkload(42, BaseTime);
        query.PollsOf(workload.TraceIdHex(7)).Should().Be(3);
        query.PollsOf(workload.TraceIdHex(8)).Should().Be(0, "unsampled traces are not asked for");
        query.Accepts.Should().AllBe("application/protobuf");
        query.Tenants.Should().AllBe("team-a");
    }

    [Fact]
    public async Task Freshness_times_out_traces_that_stay_incomplete()
    {
        await using var ingest = await FakeOtlpServer.StartAsync(grpc: false);
        await using var query = await FakeTempoQueryServer.StartAsync(ingest);
        query.DropSpans = 1;
        var runner = new FreshnessRunner(new FreshnessOptions
        {
            Load = Push(ingest, 20),
            QueryEndpoint = query.BaseAddress,
            SampleEvery = 10,
            PollInterval = TimeSpan.FromMilliseconds(5),
            ProbeTimeout = TimeSpan.FromMilliseconds(200),
        });

        var summary = await runner.RunAsync(CancellationToken.None);

        summary.Sampled.Should().Be(2);
        summary.Found.Should().Be(0);
        summary.TimedOut.Should().Be(2);
        summary.PartialAnswers.Should().Be(summary.Polls, "every answer lacked one span");
        summary.HasErrors.Should().BeTrue();
    }

    [Fact]
    public async Task Query_bench_fetches_known_ids_and_checks_their_span_counts()
    {
        await using var ingest = await FakeOtlpServer.StartAsync(grpc: false);
        await using var query = await FakeTempoQueryServer.StartAsync(ingest);
        var acked = Path.Combine(_dir, "acked.tsv");
        var load = await new LoadRunner(Push(ingest, 50, acked)).RunAsync(CancellationToken.None);
        load.AcknowledgedTraces.Should().Be(50);

        var options = new QueryBenchOptions
        {
            QueryEndpoint = query.BaseAddress, IdsFile = acked, Requests = 120, Concurrency = 3, Warmup = 5, Tenant = "team-a",
        };
        var summary = await new QueryBenchRunner(options).RunAsync(CancellationToken.None);

        summary.KnownTraces.Should().Be(50);
        summary.Requests.Should().Be(120);
        summary.Complete.Should().Be(120);
        summary.Latency.Count.Should().Be(120);
        summary.HasErrors.Should().BeFalse();

        // A server that returns one span short: every answer is counted as a wrong span count.
        query.DropSpans = 1;
        var wrong = await new QueryBenchRunner(options with { Requests = 30, Warmup = 0 }).RunAsync(CancellationToken.None);
        wrong.WrongSpanCount.Should().Be(30);
        wrong.HasErrors.Should().BeTrue();

        // IDs the server never saw are 404s.
        var unknown = Path.Combine(_dir, "unknown.tsv");
        await File.WriteAllTextAsync(unknown, "5\t0000000000000000000000000000abcd\n");
        var missing = await new QueryBenchRunner(options with { IdsFile = unknown, Requests = 10, Warmup = 0 }).RunAsync(CancellationToken.None);
        missing.NotFound.Should().Be(10);
        missing.Complete.Should().Be(0);
    }

    [Fact]
    public async Task Consumption_reads_the_counter_until_everything_acknowledged_is_stored()
    {
        await using var ingest = await FakeOtlpServer.StartAsync(grpc: false);
        await using var query = await FakeTempoQueryServer.StartAsync(ingest);
        using var runner = new ConsumptionRunner(new ConsumptionOptions
        {
            Load = Push(ingest, 400),
            QueryEndpoint = query.BaseAddress,
            ScrapeInterval = TimeSpan.FromMilliseconds(100),
        });

        var summary = await runner.RunAsync(CancellationToken.None);

        ingest.Received.Should().NotBeEmpty();
        summary.CaughtUp.Should().BeTrue();
        summary.StoredSpans.Should().Be(summary.Load.AcknowledgedSpans);
        summary.Samples[0].Should().Be(new ConsumptionSample(0, 0, 0));
        summary.Samples[^1].StoredSpans.Should().Be(summary.Load.AcknowledgedSpans);
        summary.Samples.Select(s => s.Seconds).Should().BeInAscendingOrder();
        summary.HasErrors.Should().BeFalse();
    }

    [Fact]
    public async Task Consumption_refuses_a_server_without_a_live_store()
    {
        await using var ingest = await FakeOtlpServer.StartAsync(grpc: false);
        await using var query = await FakeTempoQueryServer.StartAsync(ingest);
        query.ExposeLiveStore = false;
        using var runner = new ConsumptionRunner(new ConsumptionOptions { Load = Push(ingest, 10), QueryEndpoint = query.BaseAddress });

        await FluentActions.Awaiting(() => runner.RunAsync(CancellationToken.None))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*tempo_live_store_spans_stored_total*live store running*");
        ingest.Received.Should().BeEmpty("nothing is pushed without a baseline");
    }
}
