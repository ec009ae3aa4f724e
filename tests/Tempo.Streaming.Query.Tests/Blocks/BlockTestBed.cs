using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Query.Blocks;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Tests.Blocks;

/// <summary>Real blocks written with <see cref="BlockWriter"/> into a local backend in a temporary folder.</summary>
internal sealed class BlockTestBed : IDisposable
{
    public const string Topic = "tempo-ingest";

    /// <summary>2023-11-14T22:13:20Z: the base of span times, in unix seconds.</summary>
    public const long BaseSeconds = 1_700_000_000;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "query-blocks-" + Guid.NewGuid().ToString("N"));
    private long _nextOffset;

    public BlockTestBed()
    {
        Directory.CreateDirectory(_root);
        Store = new LocalObjectStore(_root);
    }

    public LocalObjectStore Store { get; }

    public string Root => _root;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Writes one block holding <paramref name="traces"/> (cut from the next free offsets of partition 0).</summary>
    public static async Task<BlockMeta> WriteBlockAsync(IObjectStore store, string tenant, long firstOffset, params Trace[] traces)
    {
        var fragments = new List<TraceFragment>();
        long spans = 0;
        foreach (var trace in traces)
        {
            var id = trace.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.ToByteArray();
            fragments.Add(new TraceFragment(id, trace));
            foreach (var batch in trace.ResourceSpans)
            {
                foreach (var scope in batch.ScopeSpans)
                {
                    spans += scope.Spans.Count;
                }
            }
        }

        var lineage = new IngestLineage(Topic, 0, firstOffset, firstOffset + traces.Length - 1, traces.Length, spans);
        var result = await new BlockWriter(store).WriteAsync(tenant, lineage, [], fragments);
        result.Written.Should().BeTrue();
        return result.Meta;
    }

    public Task<BlockMeta> WriteBlockAsync(string tenant, params Trace[] traces)
    {
        var first = _nextOffset;
        _nextOffset += traces.Length;
        return WriteBlockAsync(Store, tenant, first, traces);
    }

    public TenantBlockList NewList(TenantBlockListOptions? options = null, IMeterFactory? meters = null, TimeProvider? time = null) =>
        new(Store, options ?? TenantBlockListOptions.Default, NullLogger<TenantBlockList>.Instance, meters, time);

    public string FolderOf(BlockMeta meta) => Path.Combine(_root, meta.TenantId, meta.BlockId.ToString("D"));

    public static byte[] TraceId(int n)
    {
        var id = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(id.AsSpan(8), n);
        id[0] = 0x5a;
        return id;
    }

    /// <summary>A trace of one service whose spans (given by ID) start at <paramref name="startSeconds"/> + i ms.</summary>
    public static Trace Trace(byte[] traceId, long startSeconds, params ulong[] spanIds)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        for (var i = 0; i < spanIds.Length; i++)
        {
            var spanId = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(spanId, spanIds[i]);
            var start = (ulong)startSeconds * 1_000_000_000UL + (ulong)i * 1_000_000UL;
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(traceId),
                SpanId = ByteString.CopyFrom(spanId),
                Name = $"op-{spanIds[i]}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = start,
                EndTimeUnixNano = start + 500_000,
            });
        }

        var batch = new ResourceSpans { Resource = new Resource() };
        batch.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "checkout" } });
        batch.ScopeSpans.Add(scope);
        var trace = new Trace();
        trace.ResourceSpans.Add(batch);
        return trace;
    }

    /// <summary>Span IDs of a combined trace, sorted.</summary>
    public static List<ulong> SpanIds(Trace trace)
    {
        var ids = new List<ulong>();
        foreach (var batch in trace.ResourceSpans)
        {
            foreach (var scope in batch.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    ids.Add(BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span));
                }
            }
        }

        ids.Sort();
        return ids;
    }

    /// <summary>Span IDs of each fragment a source returned.</summary>
    public static List<List<ulong>> FragmentSpanIds(Tempo.Streaming.Core.Querying.TraceFragments fragments)
    {
        var all = new List<List<ulong>>();
        foreach (var fragment in fragments.Fragments)
        {
            all.Add(SpanIds(Tempo.Streaming.Tempopb.Trace.Parser.ParseFrom(fragment.Span)));
        }

        return all;
    }
}

/// <summary>A clock tests move by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
