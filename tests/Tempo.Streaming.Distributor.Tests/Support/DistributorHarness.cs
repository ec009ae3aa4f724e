namespace Tempo.Streaming.Distributor.Tests.Support;

/// <summary>A distributor over a recording log and an in-memory ring, with its metrics observed.</summary>
internal sealed class DistributorHarness : IDisposable
{
    public const string Tenant = "tenant-a";

    public DistributorHarness(int partitions = 4, DistributorOptions? options = null)
    {
        Log = new RecordingIngestLog(partitions);
        Ring = new InMemoryPartitionRing(partitions);
        Distributor = new TraceDistributor(Log, Ring, options ?? DistributorOptions.Default);
        Metrics = new MetricRecorder(Distributor.Meter);
    }

    public RecordingIngestLog Log { get; }

    public InMemoryPartitionRing Ring { get; }

    public TraceDistributor Distributor { get; }

    public MetricRecorder Metrics { get; }

    public Task<PushResult> PushAsync(byte[] request, string tenant = Tenant) =>
        Distributor.PushAsync(tenant, request, CancellationToken.None).AsTask();

    public void Dispose()
    {
        Metrics.Dispose();
        Distributor.Dispose();
    }
}
