using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// One trace the server acknowledged: the workload regenerates it span for span from (seed, index, base time).
/// <paramref name="Tenant"/> is the <c>X-Scope-OrgID</c> it was pushed with (null: none, the single tenant).
/// </summary>
public sealed record PushedTrace(ShopWorkload Workload, long Index, string TraceId, string? Tenant = null)
{
    /// <summary>The tenant folder its blocks live under.</summary>
    public string StoredTenant => Tenant ?? Core.Tenants.SingleTenant;

    public List<FlatSpan> ExpectedSpans() => FlatSpans.Flatten(Workload.GenerateTrace(Index).ResourceSpans);

    public override string ToString() => $"trace {Workload.Seed}/{Index} ({TraceId}) of tenant {StoredTenant}";
}

/// <summary>
/// Pushes the standard shop workload with the CLI's load generator over OTLP gRPC and returns what the server
/// acknowledged (the generator's <c>--acked-out</c> file), checked against the workload's own trace IDs.
/// </summary>
public static class ShopPush
{
    /// <summary>
    /// A base time in the middle of the previous hour: every span of a small run ends in the same one-hour compaction
    /// window whenever the test runs (a base time of "now" can straddle a window boundary and split the blocks).
    /// </summary>
    public static DateTimeOffset MidPreviousHour()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddMinutes(-30);
    }

    /// <summary>Pushes traces [<paramref name="firstTrace"/>, firstTrace + <paramref name="traces"/>); every batch must be acknowledged.</summary>
    public static async Task<List<PushedTrace>> PushAsync(int otlpGrpcPort, ShopWorkload workload, long firstTrace, long traces, string ackedFile,
        string? tenant = null)
    {
        var summary = await new LoadRunner(new LoadOptions
        {
            Endpoint = $"127.0.0.1:{otlpGrpcPort}",
            Protocol = LoadProtocol.OtlpGrpc,
            Seed = workload.Seed,
            StartTime = DateTimeOffset.UnixEpoch.AddTicks(workload.BaseTimeUnixNano / 100),
            FirstTrace = firstTrace,
            Traces = traces,
            BatchSpans = 500,
            Concurrency = 4,
            AckedOutputFile = ackedFile,
            Tenant = tenant,
        }).RunAsync(CancellationToken.None);
        summary.FailedBatches.Should().Be(0, string.Join("; ", summary.ErrorExamples.Values));
        summary.RejectedSpans.Should().Be(0);

        var acknowledged = AckedTraceLog.Read(ackedFile);
        acknowledged.Should().HaveCount((int)traces, "every batch was acknowledged");
        var pushed = new List<PushedTrace>(acknowledged.Count);
        foreach (var (index, id) in acknowledged.OrderBy(a => a.Key))
        {
            id.Should().Be(workload.TraceIdHex(index), "the acknowledged file names the workload's own trace IDs");
            pushed.Add(new PushedTrace(workload, index, id, tenant));
        }
        return pushed;
    }
}
