using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>A real embedded ingest log and a real RocksDB live store in a temporary folder.</summary>
internal sealed class LiveStoreFixture : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "livestore-tests", Guid.NewGuid().ToString("N"));

    public LiveStoreFixture(int partitions = 2)
    {
        Directory.CreateDirectory(_root);
        Log = EmbeddedIngestLog.Open(new EmbeddedLogOptions { Path = Path.Combine(_root, "ingest"), Partitions = partitions });
    }

    public IIngestLog Log { get; }

    public string StorePath => Path.Combine(_root, "live-store");

    public LiveStoreOptions Options(Func<LiveStoreOptions, LiveStoreOptions>? change = null)
    {
        var options = new LiveStoreOptions { Path = StorePath, IdlePollInterval = TimeSpan.FromMilliseconds(5) };
        return change is null ? options : change(options);
    }

    /// <summary>A local block backend in the fixture's folder.</summary>
    public Tempo.Streaming.Blocks.Backend.LocalObjectStore Backend()
    {
        var path = Path.Combine(_root, "blocks");
        Directory.CreateDirectory(path);
        return new Tempo.Streaming.Blocks.Backend.LocalObjectStore(path);
    }

    public async Task<LiveTraceStore> OpenStoreAsync(LiveStoreOptions? options = null, bool start = true,
        Tempo.Streaming.Blocks.BlockFormat.BlockWriter? writer = null)
    {
        var store = await LiveTraceStore.OpenAsync(options ?? Options(), Log, NullLogger.Instance, null, CancellationToken.None, writer);
        if (start)
        {
            store.Start();
        }

        return store;
    }

    public async Task<long> AppendAsync(int partition, params IngestRecord[] records)
    {
        var offsets = await Log.AppendAsync(partition, records, CancellationToken.None);
        return offsets[^1];
    }

    /// <summary>Polls until the store consumed everything the partitions hold (deadline 20 s).</summary>
    public async Task CaughtUpAsync(LiveTraceStore store)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        foreach (var partition in store.Partitions)
        {
            var highWatermark = await Log.GetHighWatermarkAsync(partition, CancellationToken.None);
            while (store.GetConsumedOffset(partition) < highWatermark)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException(
                        $"partition {partition}: consumed {store.GetConsumedOffset(partition)}, high watermark {highWatermark}");
                }

                await Task.Delay(5);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
