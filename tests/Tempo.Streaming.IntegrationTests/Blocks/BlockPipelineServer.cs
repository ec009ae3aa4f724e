using System.Net;
using Tempo.Streaming.Core.Diagnostics;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// The single binary configured for block tests: blocks go to a local folder in the data dir; cuts happen only when a
/// test calls <c>/flush</c> (max_block_duration 1h, max_block_bytes far above a test's data); flushed ranges stay in
/// the live store (complete_block_timeout 1h) so <c>mode=all</c> merges two copies of every span; queriers re-poll the
/// block list every second; the compactor's cycle and the embedded log's partition count (Tempo's default 4; each
/// partition's range is its own block) are the test's choice. A crash point can be armed for one start.
/// </summary>
public static class BlockPipelineServer
{
    public static string BlocksPath(string dataDir) => Path.Combine(dataDir, "blocks");

    public static Task<ServerProcess> StartAsync(string dataDir, TimeSpan compactionCycle, string? crashPoint = null,
        bool multitenancy = false, int partitions = 4)
    {
        string Yaml(ServerPorts ports) => ServerProcess.ListenersYaml(ports) + $"""
            multitenancy_enabled: {(multitenancy ? "true" : "false")}
            ingest:
              embedded:
                path: {Path.Combine(dataDir, "ingest")}
                partitions: {partitions}
            live_store:
              path: {Path.Combine(dataDir, "live-store")}
              max_block_duration: 1h
              complete_block_timeout: 1h
            compactor:
              compaction:
                compaction_cycle: {(int)compactionCycle.TotalMilliseconds}ms
            storage:
              trace:
                backend: local
                blocklist_poll: 1s
                local:
                  path: {BlocksPath(dataDir)}

            """;
        var environment = crashPoint is null ? null : new Dictionary<string, string> { [CrashPoints.Variable] = crashPoint };
        return ServerProcess.StartOnFreePortsAsync(dataDir, "all", Yaml, environment: environment);
    }

    /// <summary><c>POST /flush</c>: everything the live store consumed is cut into blocks when it answers 204.</summary>
    public static async Task FlushAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.HttpBase, Timeout = TimeSpan.FromMinutes(2) };
        using var response = await http.PostAsync("/flush", null);
        response.StatusCode.Should().Be(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Waits until the live store consumed everything in the log (the lag gauge is 0 on every partition) and every
    /// pushed trace is found, so a following <c>/flush</c> covers all of them.
    /// </summary>
    public static async Task WaitUntilConsumedAsync(TempoQueryClient client, IReadOnlyList<PushedTrace> traces)
    {
        foreach (var group in traces.GroupBy(t => t.Tenant))
        {
            using var tenantClient = client.As(group.Key);
            await tenantClient.WaitForTracesAsync(group.Select(t => t.TraceId).ToArray(), TimeSpan.FromSeconds(60));
        }

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
}
