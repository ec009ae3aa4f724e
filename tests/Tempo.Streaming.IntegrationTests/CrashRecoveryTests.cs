using System.Collections.Concurrent;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tempo.Streaming.IntegrationTests;

/// <summary>
/// Invariant 1 under crashes: the server is SIGKILLed at random moments while the load generator pushes over OTLP gRPC;
/// after a restart every trace whose push was acknowledged is in the log with all its spans, every record decodes, and the
/// log takes new appends. And a corrupt segment tail is recovered at startup and reported, not a crash loop.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("tempo-it-crash");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_trace_survives_sigkill_under_load()
    {
        var random = new Random();
        var acknowledged = new ConcurrentDictionary<string, int>();   // trace ID hex -> span count
        var baseTime = DateTimeOffset.UtcNow;
        const int rounds = 3;
        for (var round = 0; round < rounds; round++)
        {
            await using var server = await ServerProcess.StartAsync(_dir.Path);
            var workload = new ShopWorkload(seed: 1000 + round, baseTime);
            var runner = new LoadRunner(new LoadOptions
            {
                Endpoint = $"127.0.0.1:{server.Ports.OtlpGrpc}",
                Protocol = LoadProtocol.OtlpGrpc,
                Seed = 1000 + round,
                StartTime = baseTime,
                Duration = TimeSpan.FromMinutes(1),
                BatchSpans = 500,
                Concurrency = 8,
                RequestTimeout = TimeSpan.FromSeconds(10),
            });
            var acknowledgedBatches = 0;
            runner.BatchAcknowledged += batch =>
            {
                for (var i = batch.FirstTrace; i < batch.FirstTrace + batch.TraceCount; i++)
                    acknowledged[workload.TraceIdHex(i)] = workload.SpanCount(i);
                Interlocked.Increment(ref acknowledgedBatches);
            };
            using var stop = new CancellationTokenSource();
            var load = runner.RunAsync(stop.Token);

            // kill at a random moment once the load is flowing
            await Poll.UntilAsync(() => Volatile.Read(ref acknowledgedBatches) >= 5, TimeSpan.FromSeconds(30), "load to get going");
            await Task.Delay(random.Next(50, 1500));
            await server.KillAsync();
            stop.Cancel();
            var summary = await load;
            output.WriteLine($"round {round}: killed after {summary.AcknowledgedBatches} acknowledged batches; " +
                             $"{summary.FailedBatches} in flight or refused at the kill");
        }

        acknowledged.Should().NotBeEmpty();
        await using (var restarted = await ServerProcess.StartAsync(_dir.Path))
        {
            var logged = await IngestLogContents.ReadAllAsync(restarted.IngestPath);   // throws on any corrupt record
            var spansPerTrace = logged.GroupBy(s => s.TraceIdHex).ToDictionary(g => g.Key, g => g.Select(s => s.SpanIdHex).Distinct().Count());
            foreach (var (traceId, spanCount) in acknowledged)
            {
                spansPerTrace.Should().ContainKey(traceId, "its push was acknowledged before the kill");
                spansPerTrace[traceId].Should().Be(spanCount, $"trace {traceId} was acknowledged with {spanCount} spans");
            }

            // the recovered log accepts new appends
            var after = new LoadRunner(new LoadOptions
            {
                Endpoint = $"127.0.0.1:{restarted.Ports.OtlpGrpc}",
                Protocol = LoadProtocol.OtlpGrpc,
                Seed = 7,
                StartTime = baseTime,
                Traces = 50,
            });
            var summary = await after.RunAsync(CancellationToken.None);
            summary.FailedBatches.Should().Be(0, string.Join("; ", summary.ErrorExamples.Values));
            summary.AcknowledgedTraces.Should().Be(50);
            var workload = new ShopWorkload(7, baseTime);
            var loggedAfter = (await IngestLogContents.ReadAllAsync(restarted.IngestPath)).Select(s => s.TraceIdHex).ToHashSet();
            for (var i = 0; i < 50; i++) loggedAfter.Should().Contain(workload.TraceIdHex(i));
        }
    }

    [Fact]
    public async Task A_corrupt_segment_tail_is_recovered_at_startup_and_reported()
    {
        var baseTime = DateTimeOffset.UtcNow;
        var workload = new ShopWorkload(11, baseTime);
        await using (var server = await ServerProcess.StartAsync(_dir.Path))
        {
            var summary = await new LoadRunner(new LoadOptions
            {
                Endpoint = $"127.0.0.1:{server.Ports.OtlpGrpc}", Protocol = LoadProtocol.OtlpGrpc, Seed = 11, StartTime = baseTime, Traces = 200,
            }).RunAsync(CancellationToken.None);
            summary.AcknowledgedTraces.Should().Be(200);
            (await server.StopAsync()).Should().Be(0, server.Output);
        }

        // a torn write: garbage after the last record of every partition's newest segment
        var ingest = Path.Combine(_dir.Path, "ingest");
        var corrupted = 0;
        foreach (var partition in Directory.GetDirectories(ingest))
        {
            var newest = Directory.GetFiles(partition, "*.log").Order(StringComparer.Ordinal).LastOrDefault();
            if (newest is null || new FileInfo(newest).Length == 0) continue;
            await using var file = new FileStream(newest, FileMode.Append);
            await file.WriteAsync(new byte[] { 0x00, 0x00, 0x10, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03 });
            corrupted++;
        }
        corrupted.Should().BeGreaterThan(0);

        await using var restarted = await ServerProcess.StartAsync(_dir.Path);
        restarted.Output.Should().Contain("invalid tail", "the recovery must be reported in the log output");
        var logged = (await IngestLogContents.ReadAllAsync(restarted.IngestPath)).Select(s => s.TraceIdHex).ToHashSet();
        for (var i = 0; i < 200; i++) logged.Should().Contain(workload.TraceIdHex(i));

        var more = await new LoadRunner(new LoadOptions
        {
            Endpoint = $"127.0.0.1:{restarted.Ports.OtlpGrpc}", Protocol = LoadProtocol.OtlpGrpc, Seed = 12, StartTime = baseTime, Traces = 20,
        }).RunAsync(CancellationToken.None);
        more.FailedBatches.Should().Be(0);
        more.AcknowledgedTraces.Should().Be(20);
    }
}
