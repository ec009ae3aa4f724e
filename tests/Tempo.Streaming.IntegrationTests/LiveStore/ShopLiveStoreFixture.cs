using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Tempo.Streaming.IntegrationTests.LiveStore;

/// <summary>
/// One running server that the load generator filled with <see cref="TraceCount"/> shop traces over OTLP gRPC, shared by
/// the trace-by-ID, tag and bad-query tests (they only read, and run one after another in this collection). Ready once
/// every acknowledged trace (the generator's <c>--acked-out</c> file) is found by ID.
/// </summary>
public sealed class ShopLiveStoreFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public const int TraceCount = 300;
    public const long Seed = 4242;

    private readonly TempDir _dir = new("tempo-it-shop");

    public ServerProcess Server { get; private set; } = null!;

    public TempoQueryClient Client { get; private set; } = null!;

    /// <summary>The workload the generator ran; regenerates every pushed trace.</summary>
    public ShopWorkload Workload { get; private set; } = null!;

    /// <summary>Trace index → trace ID (hex) of every trace the server acknowledged.</summary>
    public IReadOnlyDictionary<long, string> Acknowledged { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Server = await ServerProcess.StartAsync(_dir.Path);
        var started = clock.Elapsed;
        Client = new TempoQueryClient(Server.HttpBase);
        var start = DateTimeOffset.UtcNow.AddSeconds(-10);
        Workload = new ShopWorkload(Seed, start);
        var ackedFile = Path.Combine(_dir.Path, "acked.tsv");
        var summary = await new LoadRunner(new LoadOptions
        {
            Endpoint = $"127.0.0.1:{Server.Ports.OtlpGrpc}",
            Protocol = LoadProtocol.OtlpGrpc,
            Seed = Seed,
            StartTime = start,
            Traces = TraceCount,
            BatchSpans = 500,
            Concurrency = 4,
            AckedOutputFile = ackedFile,
        }).RunAsync(CancellationToken.None);
        summary.FailedBatches.Should().Be(0, string.Join("; ", summary.ErrorExamples.Values));
        summary.RejectedSpans.Should().Be(0);

        var pushed = clock.Elapsed;
        Acknowledged = AckedTraceLog.Read(ackedFile);
        Acknowledged.Should().HaveCount(TraceCount, "every batch was acknowledged");
        foreach (var (index, id) in Acknowledged) id.Should().Be(Workload.TraceIdHex(index));

        await Client.WaitForTracesAsync(Acknowledged.Values.ToArray(), TimeSpan.FromSeconds(30));
        diagnostics.OnMessage(new DiagnosticMessage(
            $"shop fixture: server ready {started.TotalSeconds:0.0} s, {TraceCount} traces pushed at {pushed.TotalSeconds:0.0} s, all found at {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        _dir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ShopLiveStoreCollection : ICollectionFixture<ShopLiveStoreFixture>
{
    public const string Name = "shop workload in the live store";
}
