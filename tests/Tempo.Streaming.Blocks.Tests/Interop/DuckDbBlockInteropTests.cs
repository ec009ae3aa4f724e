using System.Text.Json;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.Infrastructure;
using Tempo.Streaming.Blocks.Tests.VParquet4;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.Interop;

/// <summary>
/// Our blocks read by DuckDB (<c>@duckdb/node-api</c>): the same column paths and types as Tempo's block, and the
/// values we wrote (row count, trace IDs, span names, well-known and dedicated columns).
/// </summary>
public sealed class DuckDbBlockInteropTests : IDisposable
{
    private const string Tenant = "single-tenant";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vp4-duckdb-" + Guid.NewGuid().ToString("N"));

    public DuckDbBlockInteropTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [TempoBlockFact]
    public async Task DuckDB_sees_the_same_schema_in_our_block_as_in_Tempos()
    {
        var (ours, _) = await WriteBlockAsync(seed: 21, count: 50);
        var tempos = Sql(Path.Combine(RepoPaths.TempoVParquet4Block, BlockPaths.DataName));

        const string Schema = "select name || ' ' || coalesce(type, '-') || ' ' || coalesce(repetition_type, '-') || ' ' || coalesce(converted_type, '-') || ' ' || coalesce(cast(num_children as varchar), '-') from parquet_schema({0})";
        var expectedSchema = await DuckDbQuery.ColumnAsync(string.Format(Schema, tempos), Timeout);
        var actualSchema = await DuckDbQuery.ColumnAsync(string.Format(Schema, Sql(ours)), Timeout);
        actualSchema.Skip(1).Should().Equal(expectedSchema.Skip(1), "every node after the root (whose name is the file's) must match");

        const string Columns = "select path_in_schema || ' ' || type from parquet_metadata({0}) where row_group_id = 0 order by column_id";
        var expectedColumns = await DuckDbQuery.ColumnAsync(string.Format(Columns, tempos), Timeout);
        var actualColumns = await DuckDbQuery.ColumnAsync(string.Format(Columns, Sql(ours)), Timeout);
        actualColumns.Should().HaveCount(103).And.Equal(expectedColumns);
    }

    [Fact]
    public async Task DuckDB_reads_the_values_of_our_block()
    {
        var (path, traces) = await WriteBlockAsync(seed: 22, count: 300);
        var file = Sql(path);

        (await DuckDbQuery.ColumnAsync($"select count(*) from read_parquet({file})", Timeout)).Should().Equal("300");

        var sorted = traces.OrderBy(t => t.Id, ByteOrder.Instance).ToList();
        var ids = await DuckDbQuery.ColumnAsync($"select hex(TraceID) || ' ' || TraceIDText from read_parquet({file})", Timeout);
        ids.Should().Equal(sorted.Select(t => Convert.ToHexString(t.Id) + " " + Convert.ToHexStringLower(t.Id).TrimStart('0')));

        const string SpansOf = "flatten(list_transform(rs, r -> flatten(list_transform(r.ss, s -> s.Spans))))";
        var names = await DuckDbQuery.ColumnAsync($"select cast(to_json(list_transform({SpansOf}, sp -> sp.Name)) as varchar) from read_parquet({file})", Timeout);
        var statusCodes = await DuckDbQuery.ColumnAsync($"select cast(to_json(list_transform({SpansOf}, sp -> sp.HttpStatusCode)) as varchar) from read_parquet({file})", Timeout);
        var instances = await DuckDbQuery.ColumnAsync(
            $"select cast(to_json(list_transform({SpansOf}, sp -> sp.DedicatedAttributes.String01)) as varchar) from read_parquet({file})", Timeout);
        var services = await DuckDbQuery.ColumnAsync($"select cast(to_json(list_transform(rs, r -> r.Resource.ServiceName)) as varchar) from read_parquet({file})", Timeout);

        for (var i = 0; i < sorted.Count; i++)
        {
            var spans = sorted[i].Trace.ResourceSpans.SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans).ToList();
            JsonSerializer.Deserialize<List<string>>(names[i]).Should().Equal(spans.Select(s => s.Name));
            JsonSerializer.Deserialize<List<long?>>(statusCodes[i]).Should().Equal(spans.Select(s =>
                s.Attributes.LastOrDefault(a => a.Key == "http.status_code" && a.Value.ValueCase == OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.IntValue)?.Value.IntValue));
            JsonSerializer.Deserialize<List<string?>>(instances[i]).Should().Equal(spans.Select(s =>
                s.Attributes.LastOrDefault(a => a.Key == "instance")?.Value.StringValue));
            JsonSerializer.Deserialize<List<string>>(services[i]).Should().Equal(sorted[i].Trace.ResourceSpans.Select(b =>
                b.Resource.Attributes.Last(a => a.Key == "service.name").Value.StringValue));
        }
    }

    private async Task<(string Path, List<(byte[] Id, Trace Trace)> Traces)> WriteBlockAsync(int seed, int count)
    {
        var random = new RandomTraces(seed);
        var traces = new List<(byte[] Id, Trace Trace)>();
        for (var i = 0; i < count; i++)
        {
            var id = random.NextTraceId();
            traces.Add((id, random.NextTrace(id, 1_700_000_000_000_000_000UL)));
        }
        var store = new LocalObjectStore(_root);
        var meta = (await new BlockWriter(store).WriteAsync(Tenant, new IngestLineage("tempo-ingest", 0, seed, seed, 1, 0),
            RandomTraces.DedicatedColumns, traces.Select(t => new TraceFragment(t.Id, t.Trace)))).Meta;
        return (Path.Combine(_root, Tenant, meta.BlockId.ToString("D"), BlockPaths.DataName), traces);
    }

    private static string Sql(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
