using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.Infrastructure;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.Interop;

/// <summary>
/// Tempo's own vParquet4 block (written by Tempo with parquet-go, ../shared/testdata) read by our block reader:
/// every row decodes, trace by ID finds every trace (IDs taken by DuckDB, a reader nobody here wrote), the block
/// verifies clean against its meta.json.
/// </summary>
public sealed class TempoBlockInteropTests : IDisposable
{
    private const string Tenant = "single-tenant";
    private static readonly Guid TempoBlockId = Guid.Parse("b27b0e53-66a0-4505-afd6-434ae3cd4a10");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vp4-interop-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [TempoBlockFact]
    public async Task Every_trace_of_Tempos_block_decodes()
    {
        var reader = await OpenTempoBlockAsync();

        var traces = await ReadAllAsync(reader);

        traces.Should().HaveCount(134);
        traces.Should().OnlyContain(t => t.ResourceSpans.Count > 0 && t.ResourceSpans.All(b => b.ScopeSpans.All(s => s.Spans.Count > 0)));
        var spans = traces.SelectMany(t => t.ResourceSpans).SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans).ToList();
        spans.Should().OnlyContain(s => s.SpanId.Length == 8 && s.TraceId.Length == 16 && s.EndTimeUnixNano >= s.StartTimeUnixNano);

        // The block's meta.json assigns resource "ip" and span "instance", "version", "region" to dedicated columns:
        // they come back as attributes with those names.
        var resourceAttributes = traces.SelectMany(t => t.ResourceSpans).SelectMany(b => b.Resource.Attributes).ToList();
        resourceAttributes.Should().Contain(a => a.Key == "ip" && a.Value.StringValue == "172.26.0.5");
        resourceAttributes.Should().Contain(a => a.Key == "service.name" && a.Value.StringValue == "productcatalogservice");
        var spanAttributes = spans.SelectMany(s => s.Attributes).ToList();
        spanAttributes.Should().Contain(a => a.Key == "instance" && a.Value.StringValue == "productcatalogservice-6b654dbf57-zq8dt");
        spanAttributes.Should().Contain(a => a.Key == "http.method" && a.Value.ValueCase == AnyValue.ValueOneofCase.StringValue);
    }

    [TempoBlockFact]
    public async Task Trace_by_id_finds_every_trace_of_Tempos_block()
    {
        var reader = await OpenTempoBlockAsync();
        var decoded = await ReadAllAsync(reader);
        var ids = await DuckDbQuery.TraceIdsAsync(Path.Combine(RepoPaths.TempoVParquet4Block, BlockPaths.DataName));
        ids.Should().HaveCount(decoded.Count);

        for (var i = 0; i < ids.Count; i++)
        {
            var found = await reader.FindTraceByIdAsync(ids[i]);
            found.Should().NotBeNull($"trace {Convert.ToHexStringLower(ids[i])} is row {i} of the block");
            found.Should().Be(decoded[i], "trace by ID must return the same spans as decoding the row directly");
        }

        // Tempo's IDs here are 64-bit ones padded to 16 bytes; the 8-byte form finds the same trace.
        (await reader.FindTraceByIdAsync(ids[0].AsMemory(8))).Should().Be(decoded[0]);
    }

    [TempoBlockFact]
    public async Task An_id_not_in_Tempos_block_is_not_found()
    {
        var reader = await OpenTempoBlockAsync();
        var random = new Random(5);
        for (var i = 0; i < 100; i++)
        {
            var id = new byte[16];
            random.NextBytes(id);
            (await reader.FindTraceByIdAsync(id)).Should().BeNull();
        }
        (await reader.FindTraceByIdAsync(Convert.FromHexString("00000000000000000000000000000001"))).Should().BeNull();
    }

    [TempoBlockFact]
    public async Task Tempos_block_verifies_against_its_meta()
    {
        var reader = await OpenTempoBlockAsync();

        (await reader.VerifyAsync()).Should().BeEmpty();
        reader.Meta.TotalObjects.Should().Be(134);
    }

    private async Task<BlockReader> OpenTempoBlockAsync()
    {
        var folder = Path.Combine(_root, Tenant, TempoBlockId.ToString("D"));
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(RepoPaths.TempoVParquet4Block))
        {
            var target = Path.Combine(folder, Path.GetFileName(file));
            File.Copy(file, target);
            // The shared copy is read-only; the temp folder must stay deletable.
            File.SetAttributes(target, FileAttributes.Normal);
        }
        return await BlockReader.OpenAsync(new LocalObjectStore(_root), Tenant, TempoBlockId);
    }

    private static async Task<List<Trace>> ReadAllAsync(BlockReader reader)
    {
        var traces = new List<Trace>();
        await foreach (var trace in reader.ReadAllTracesAsync())
        {
            traces.Add(trace);
        }
        return traces;
    }
}
