using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.LiveStore;
using PushBytesRequest = Tempo.Streaming.Tempopb.PushBytesRequest;
using TempoTrace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Server.Tests.RingApi;

/// <summary>
/// A real embedded ingest log with two partitions and, per partition, a real RocksDB live store consuming only that
/// partition (as a distributed live store does). Records are written as the distributor writes them.
/// </summary>
internal sealed class RingLiveStores : IAsyncDisposable
{
    private readonly string _root;
    private readonly List<LiveTraceStore> _stores = [];

    private RingLiveStores(string root, IIngestLog log)
    {
        _root = root;
        Log = log;
    }

    public IIngestLog Log { get; }

    public static RingLiveStores Create()
    {
        var root = Directory.CreateTempSubdirectory("tempo-ring-livestore-").FullName;
        return new RingLiveStores(root, EmbeddedIngestLog.Open(new EmbeddedLogOptions { Path = Path.Combine(root, "ingest"), Partitions = 2 }));
    }

    /// <summary>Opens and starts a live store consuming <paramref name="partition"/> only.</summary>
    public async Task<LiveTraceStore> OpenAsync(int partition)
    {
        var store = await LiveTraceStore.OpenAsync(new LiveStoreOptions
        {
            Path = Path.Combine(_root, "live-store-" + partition),
            Partitions = [partition],
            IdlePollInterval = TimeSpan.FromMilliseconds(5),
        }, Log, NullLogger.Instance, null, CancellationToken.None);
        store.Start();
        _stores.Add(store);
        return store;
    }

    /// <summary>Appends one record holding <paramref name="fragment"/> of <paramref name="traceId"/> and waits until every store caught up.</summary>
    public async Task WriteAsync(int partition, string tenant, byte[] traceId, TempoTrace fragment)
    {
        var push = new PushBytesRequest();
        push.Traces.Add(fragment.ToByteString());
        push.Ids.Add(ByteString.CopyFrom(traceId));
        await Log.AppendAsync(partition,
            [new IngestRecord(System.Text.Encoding.UTF8.GetBytes(tenant), push.ToByteArray(), DateTimeOffset.UtcNow)], CancellationToken.None);
        await CaughtUpAsync();
    }

    private async Task CaughtUpAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        foreach (var store in _stores)
        {
            foreach (var partition in store.Partitions)
            {
                var end = await Log.GetHighWatermarkAsync(partition, CancellationToken.None);
                while (store.GetConsumedOffset(partition) < end)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"live store of partition {partition} did not consume up to offset {end}");
                    }

                    await Task.Delay(5);
                }
            }
        }
    }

    public static byte[] TraceId(int n)
    {
        var id = new byte[16];
        id[0] = 0xC0;
        id[15] = (byte)n;
        return id;
    }

    public static TempoTrace Fragment(byte[] traceId, string service, params (int SpanNumber, string Name)[] spans)
    {
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var startNanos = (ulong)(start - DateTimeOffset.UnixEpoch).Ticks * 100UL;
        var scope = new ScopeSpans();
        foreach (var (number, name) in spans)
        {
            var spanId = new byte[8];
            spanId[0] = 0x5B;
            spanId[7] = (byte)number;
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(traceId),
                SpanId = ByteString.CopyFrom(spanId),
                Name = name,
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = startNanos,
                EndTimeUnixNano = startNanos + 20_000_000,
            });
        }

        var resourceSpans = new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
        };
        resourceSpans.ScopeSpans.Add(scope);
        var trace = new TempoTrace();
        trace.ResourceSpans.Add(resourceSpans);
        return trace;
    }

    /// <summary>Span names of a marshalled <c>tempopb.Trace</c> (or a concatenation of several).</summary>
    public static List<string> SpanNames(ReadOnlySpan<byte> trace) =>
        TempoTrace.Parser.ParseFrom(trace).ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

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
