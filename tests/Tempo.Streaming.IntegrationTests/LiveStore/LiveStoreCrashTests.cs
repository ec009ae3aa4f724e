using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.Tempopb;
using Xunit.Abstractions;

namespace Tempo.Streaming.IntegrationTests.LiveStore;

/// <summary>
/// Invariants 1 and 3 under crashes: the server is SIGKILLed at random moments while the load generator pushes and the
/// live store consumes; after a restart on the same data every acknowledged trace is returned by ID complete (equal,
/// span for span, to the regenerated trace) and the live store holds every span exactly once — nothing skipped,
/// nothing applied twice — having resumed from the offset it stored with the data.
/// </summary>
public sealed class LiveStoreCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("tempo-it-livestore-crash");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_trace_is_complete_and_stored_once_after_sigkills_under_load()
    {
        var random = new Random();
        var baseTime = DateTimeOffset.UtcNow;
        var acknowledged = new List<(ShopWorkload Workload, long Index, string TraceId)>();
        const int rounds = 3;
        long recordsBeforeLastRound = 0;
        for (var round = 0; round < rounds; round++)
        {
            await using var server = await ServerProcess.StartAsync(_dir.Path);
            using (var client = new TempoQueryClient(server.HttpBase))
            {
                // Let the live store catch up on what earlier rounds left, so the last round's records are a known
                // range: a restart that re-applied older records would consume more than that range.
                await WaitUntilCaughtUpAsync(client);
            }
            recordsBeforeLastRound = await RecordsInLogAsync();
            var seed = 2000 + round;
            var ackedFile = Path.Combine(_dir.Path, $"acked-{round}.tsv");
            var runner = new LoadRunner(new LoadOptions
            {
                Endpoint = $"127.0.0.1:{server.Ports.OtlpGrpc}",
                Protocol = LoadProtocol.OtlpGrpc,
                Seed = seed,
                StartTime = baseTime,
                Duration = TimeSpan.FromMinutes(1),
                Rate = 20_000,   // bounded, so the check after the crashes stays within the suite's time budget
                BatchSpans = 500,
                Concurrency = 4,
                RequestTimeout = TimeSpan.FromSeconds(10),
                AckedOutputFile = ackedFile,
            });
            var acknowledgedBatches = 0;
            runner.BatchAcknowledged += _ => Interlocked.Increment(ref acknowledgedBatches);
            using var stop = new CancellationTokenSource();
            var load = runner.RunAsync(stop.Token);

            // kill at a random moment once the load is flowing and the live store is consuming
            await Poll.UntilAsync(() => Volatile.Read(ref acknowledgedBatches) >= 5, TimeSpan.FromSeconds(30), "load to get going");
            await Task.Delay(random.Next(50, 1500));
            await server.KillAsync();
            stop.Cancel();
            var summary = await load;

            var workload = new ShopWorkload(seed, baseTime);
            foreach (var (index, id) in AckedTraceLog.Read(ackedFile))
            {
                id.Should().Be(workload.TraceIdHex(index));
                acknowledged.Add((workload, index, id));
            }
            output.WriteLine($"round {round}: killed after {summary.AcknowledgedBatches} acknowledged batches " +
                             $"({summary.AcknowledgedTraces} traces); {summary.FailedBatches} in flight or refused at the kill");
        }

        acknowledged.Should().NotBeEmpty();
        await using (var restarted = await ServerProcess.StartAsync(_dir.Path))
        {
            using var client = new TempoQueryClient(restarted.HttpBase);
            await WaitUntilCaughtUpAsync(client);
            var records = await RecordsInLogAsync();
            var consumedAfterRestart = await client.MetricSumAsync("tempo_live_store_records_consumed_total");
            output.WriteLine($"log: {records} records, {recordsBeforeLastRound} before the last round; consumed after the restart: {consumedAfterRestart}");
            consumedAfterRestart.Should().BeLessThanOrEqualTo(records - recordsBeforeLastRound,
                "the restarted live store resumes from the offset it stored with the data, so it never re-applies records " +
                "that were consumed before the last round");

            using var gate = new SemaphoreSlim(8);
            await Task.WhenAll(acknowledged.Select(async t =>
            {
                await gate.WaitAsync();
                try
                {
                    var response = await client.GetAsync($"/api/traces/{t.TraceId}", TempoQueryClient.Protobuf);
                    response.Status.Should().Be(HttpStatusCode.OK, $"trace {t.Workload.Seed}/{t.Index} ({t.TraceId}) was acknowledged: {response}");
                    FlatSpans.ShouldEqualSpanForSpan(FlatSpans.Flatten(Trace.Parser.ParseFrom(response.Body)),
                        FlatSpans.Flatten(t.Workload.GenerateTrace(t.Index).ResourceSpans), $"trace {t.Workload.Seed}/{t.Index} after the crashes");
                }
                finally
                {
                    gate.Release();
                }
            }));
            (await restarted.StopAsync()).Should().Be(0, restarted.Output);
        }

        await ShouldHoldEverySpanOnceAsync(acknowledged);
    }

    private async Task<long> RecordsInLogAsync()
    {
        await using var log = EmbeddedIngestLog.OpenReadOnly(Path.Combine(_dir.Path, "ingest"));
        long records = 0;
        for (var partition = 0; partition < log.PartitionCount; partition++)
        {
            records += await log.GetHighWatermarkAsync(partition, CancellationToken.None) -
                       await log.GetLogStartOffsetAsync(partition, CancellationToken.None);
        }
        return records;
    }

    /// <summary>Waits until the server's live store has consumed every partition to its high watermark.</summary>
    private static async Task WaitUntilCaughtUpAsync(TempoQueryClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var metrics = (await client.GetAsync("/metrics")).Text;
            if (metrics.Contains("tempo_ingest_group_partition_lag", StringComparison.Ordinal) &&
                PrometheusText.Sum(metrics, "tempo_ingest_group_partition_lag") == 0)
                return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the live store did not catch up with the log within 60 s");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Opens the stopped server's live store directly: every partition's stored offset is the log's end, and each
    /// acknowledged trace's stored fragments hold each of its spans exactly once (the query API dedupes spans, so only
    /// the store itself shows whether a record was applied twice).
    /// </summary>
    private async Task ShouldHoldEverySpanOnceAsync(List<(ShopWorkload Workload, long Index, string TraceId)> acknowledged)
    {
        await using var log = EmbeddedIngestLog.OpenReadOnly(Path.Combine(_dir.Path, "ingest"));
        await using var store = await LiveTraceStore.OpenAsync(new LiveStoreOptions { Path = Path.Combine(_dir.Path, "live-store") },
            log, NullLogger.Instance, meterFactory: null, CancellationToken.None);
        for (var partition = 0; partition < log.PartitionCount; partition++)
        {
            store.GetConsumedOffset(partition).Should().Be(await log.GetHighWatermarkAsync(partition, CancellationToken.None),
                $"partition {partition} was consumed to the end and its offset stored with the data");
        }

        foreach (var (workload, index, traceId) in acknowledged)
        {
            var fragments = await store.FindTraceAsync(Tenants.SingleTenant, Convert.FromHexString(traceId), QueryWindow.All, CancellationToken.None);
            var spanIds = new List<string>();
            foreach (var fragment in fragments.Fragments)
            foreach (var span in FlatSpans.Flatten(Trace.Parser.ParseFrom(fragment.Span)))
                spanIds.Add(span.Key.SpanId);
            var expected = FlatSpans.Flatten(workload.GenerateTrace(index).ResourceSpans).Select(s => s.Key.SpanId);
            spanIds.Should().BeEquivalentTo(expected, $"trace {workload.Seed}/{index} ({traceId}) is stored once, span for span");
        }
    }
}
