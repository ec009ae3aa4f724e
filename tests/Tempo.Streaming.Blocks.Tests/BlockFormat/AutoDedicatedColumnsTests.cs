using System.Text.Json;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.Infrastructure;
using Tempo.Streaming.Blocks.Tests.VParquet4;
using Tempo.Streaming.Blocks.VParquet4;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.BlockFormat;

/// <summary>Blocks written with <see cref="BlockWriterOptions.AutoDedicatedColumns"/>: meta.json, round trip, DuckDB.</summary>
public sealed class AutoDedicatedColumnsTests : IDisposable
{
    private const string Tenant = "tenant-auto";
    private static readonly TimeSpan DuckDbTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] PeerServices = ["cart", "checkout", "payment"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vp4-auto-" + Guid.NewGuid().ToString("N"));
    private readonly LocalObjectStore _store;

    public AutoDedicatedColumnsTests()
    {
        Directory.CreateDirectory(_root);
        _store = new LocalObjectStore(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Meta_json_lists_the_configured_columns_then_the_chosen_ones_and_every_trace_round_trips()
    {
        var traces = Generate(seed: 31, count: 200);

        var meta = await WriteAsync(traces, autoColumns: true, first: 0);

        // RandomTraces' other keys have mixed value types or their own columns, so only the added keys qualify;
        // peer.service is on every span, db.system on every other one.
        meta.DedicatedColumns.Should().Equal(RandomTraces.DedicatedColumns.Concat(
        [
            new DedicatedColumn(DedicatedColumn.ScopeResource, "host.name", DedicatedColumn.TypeString),
            new DedicatedColumn(DedicatedColumn.ScopeSpan, "peer.service", DedicatedColumn.TypeString),
            new DedicatedColumn(DedicatedColumn.ScopeSpan, "db.system", DedicatedColumn.TypeString),
        ]));
        var stored = BlockMetaJson.Parse(await _store.GetAsync(BlockPaths.Meta(Tenant, meta.BlockId)), "meta.json");
        stored.DedicatedColumns.Should().Equal(meta.DedicatedColumns);

        var reader = await BlockReader.OpenAsync(_store, Tenant, meta.BlockId);
        foreach (var (id, trace) in traces)
        {
            var found = await reader.FindTraceByIdAsync(id);
            found.Should().NotBeNull();
            TraceNormalizer.Normalize(found!).Should().Be(TraceNormalizer.Normalize(trace));
        }
        (await reader.VerifyAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Without_auto_columns_meta_json_has_exactly_the_configured_ones()
    {
        var meta = await WriteAsync(Generate(seed: 32, count: 20), autoColumns: false, first: 100);

        meta.DedicatedColumns.Should().Equal(RandomTraces.DedicatedColumns);
    }

    [Fact]
    public async Task DuckDB_reads_the_chosen_attributes_from_their_spare_columns()
    {
        var traces = Generate(seed: 33, count: 100);
        var meta = await WriteAsync(traces, autoColumns: true, first: 200);
        var spanColumns = DedicatedColumnMapping.For(meta.DedicatedColumns, DedicatedColumn.ScopeSpan);
        var resourceColumns = DedicatedColumnMapping.For(meta.DedicatedColumns, DedicatedColumn.ScopeResource);
        var peerColumn = DedicatedColumnMapping.SpareColumnName(spanColumns.IndexOf("peer.service"));
        var hostColumn = DedicatedColumnMapping.SpareColumnName(resourceColumns.IndexOf("host.name"));
        var file = "'" + Path.Combine(_root, Tenant, meta.BlockId.ToString("D"), BlockPaths.DataName).Replace("'", "''", StringComparison.Ordinal) + "'";

        const string SpansOf = "flatten(list_transform(rs, r -> flatten(list_transform(r.ss, s -> s.Spans))))";
        var peers = await DuckDbQuery.ColumnAsync(
            $"select cast(to_json(list_transform({SpansOf}, sp -> sp.DedicatedAttributes.{peerColumn})) as varchar) from read_parquet({file})", DuckDbTimeout);
        var hosts = await DuckDbQuery.ColumnAsync(
            $"select cast(to_json(list_transform(rs, r -> r.Resource.DedicatedAttributes.{hostColumn})) as varchar) from read_parquet({file})", DuckDbTimeout);

        var sorted = traces.OrderBy(t => Convert.ToHexString(t.Id), StringComparer.Ordinal).ToList();
        peers.Should().HaveCount(sorted.Count);
        for (var i = 0; i < sorted.Count; i++)
        {
            var batches = sorted[i].Trace.ResourceSpans;
            JsonSerializer.Deserialize<List<string?>>(peers[i]).Should().Equal(batches.SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans)
                .Select(s => s.Attributes.Last(a => a.Key == "peer.service").Value.StringValue));
            JsonSerializer.Deserialize<List<string?>>(hosts[i]).Should().Equal(batches
                .Select(b => b.Resource.Attributes.Last(a => a.Key == "host.name").Value.StringValue));
        }
    }

    private async Task<BlockMeta> WriteAsync(List<(byte[] Id, Trace Trace)> traces, bool autoColumns, long first)
    {
        var writer = new BlockWriter(_store, new BlockWriterOptions { AutoDedicatedColumns = autoColumns });
        var lineage = new IngestLineage("tempo-ingest", 0, first, first + traces.Count - 1, traces.Count, 0);
        var result = await writer.WriteAsync(Tenant, lineage, RandomTraces.DedicatedColumns, traces.Select(t => new TraceFragment(t.Id, t.Trace)));
        return result.Meta;
    }

    /// <summary>RandomTraces plus string attributes worth a column: host.name per resource, peer.service and db.system on spans.</summary>
    private static List<(byte[] Id, Trace Trace)> Generate(int seed, int count)
    {
        var random = new RandomTraces(seed);
        var traces = new List<(byte[] Id, Trace Trace)>();
        var spanNumber = 0;
        for (var i = 0; i < count; i++)
        {
            var id = random.NextTraceId();
            var trace = random.NextTrace(id, 1_700_000_000_000_000_000UL);
            foreach (var batch in trace.ResourceSpans)
            {
                batch.Resource.Attributes.Add(Str("host.name", "node-" + (i % 7)));
                foreach (var span in batch.ScopeSpans.SelectMany(s => s.Spans))
                {
                    // Inserted before the generic ones: the block returns dedicated attributes after them, as Tempo does.
                    span.Attributes.Insert(0, Str("peer.service", PeerServices[spanNumber % PeerServices.Length]));
                    if (spanNumber++ % 2 == 0)
                    {
                        span.Attributes.Add(Str("db.system", spanNumber % 4 == 1 ? "" : "postgresql"));
                    }
                }
            }
            traces.Add((id, trace));
        }
        return traces;
    }

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
