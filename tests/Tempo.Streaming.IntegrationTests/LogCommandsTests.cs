using System.Diagnostics;
using System.Text.RegularExpressions;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests;

/// <summary>`tempo-streaming-cli log stats|tail` read the log of a running server and report what is really in it.</summary>
public sealed partial class LogCommandsTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("tempo-it-logcli");
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Stats_and_tail_show_the_records_a_push_wrote()
    {
        var baseTime = DateTimeOffset.UtcNow;
        var summary = await new LoadRunner(new LoadOptions
        {
            Endpoint = $"127.0.0.1:{_server.Ports.OtlpGrpc}", Protocol = LoadProtocol.OtlpGrpc, Seed = 3, StartTime = baseTime, Traces = 120, BatchSpans = 300,
        }).RunAsync(CancellationToken.None);
        summary.FailedBatches.Should().Be(0);
        var workload = new ShopWorkload(3, baseTime);

        var tail = await CliProcess.RunAsync("log", "tail", "--path", _server.IngestPath, "--from-offset", "0");
        var ids = new HashSet<string>();
        long spans = 0;
        foreach (Match m in TailLine().Matches(tail))
        {
            spans += long.Parse(m.Groups["spans"].Value);
            foreach (var id in m.Groups["ids"].Value.Split(',')) ids.Add(id);
        }
        ids.Should().BeEquivalentTo(Enumerable.Range(0, 120).Select(i => workload.TraceIdHex(i)));
        spans.Should().Be(summary.AcknowledgedSpans);

        var stats = await CliProcess.RunAsync("log", "stats", "--path", _server.IngestPath);
        await using var log = EmbeddedIngestLog.OpenReadOnly(_server.IngestPath);
        for (var p = 0; p < log.PartitionCount; p++)
        {
            var highWatermark = await log.GetHighWatermarkAsync(p, CancellationToken.None);
            stats.Should().MatchRegex($"│ {p} +│ +0 │ +{highWatermark} │ +{highWatermark} │", $"partition {p} has {highWatermark} records");
        }
    }

    [GeneratedRegex(@"tenant=single-tenant bytes=\d+ traces=\d+ spans=(?<spans>\d+) ids=(?<ids>[0-9a-f,]+)")]
    private static partial Regex TailLine();
}
