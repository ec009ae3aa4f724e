using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tempo.Streaming.IntegrationTests.Blocks;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Query;

/// <summary>
/// Search end to end, as Grafana asks it: two services instrumented with the .NET OpenTelemetry SDK export over OTLP/gRPC
/// to the single binary; the first trace is cut into a block by <c>/flush</c> (and stays in the live store too), the
/// second only reaches the live store. <c>/api/search</c> (TraceQL and tag search) and the filtered v2 tag APIs are then
/// asked over HTTP, and their JSON is checked field by field against what the SDK recorded.
/// </summary>
[Collection(BlockProcessesCollection.Name)]
public sealed class DotNetExporterSearchTests(DotNetExporterSearchTests.Exported exported) : IClassFixture<DotNetExporterSearchTests.Exported>
{
    private const string Frontend = "it-search-frontend";
    private const string Database = "it-search-db";

    private TempoQueryClient Client => exported.Client;
    private RecordedTrace Flushed => exported.Flushed;
    private RecordedTrace Live => exported.Live;

    [Fact]
    public async Task A_structural_query_finds_the_flushed_trace_with_its_matching_span()
    {
        var json = await SearchAsync("q=" + Uri.EscapeDataString(
            $"{{ resource.service.name = \"{Frontend}\" }} >> {{ span.db.system = \"postgres\" }}"));

        var trace = json.GetProperty("traces").EnumerateArray().Should().ContainSingle().Subject;
        ShouldDescribe(trace, Flushed);
        var spanSet = trace.GetProperty("spanSet");
        spanSet.GetProperty("matched").GetInt32().Should().Be(1, "the block's and the live store's copies of the span are one span");
        var span = spanSet.GetProperty("spans").EnumerateArray().Should().ContainSingle().Subject;
        span.GetProperty("spanID").GetString().Should().Be(Flushed.Query.SpanId.ToHexString());
        span.GetProperty("name").GetString().Should().Be(Flushed.Query.DisplayName);
        span.GetProperty("startTimeUnixNano").GetString().Should().Be(UnixNanos(Flushed.Query.StartTimeUtc).ToString());
        span.GetProperty("durationNanos").GetString().Should().Be((Flushed.Query.Duration.Ticks * 100).ToString());
        trace.GetProperty("spanSets").EnumerateArray().Should().ContainSingle();

        var metrics = json.GetProperty("metrics");
        metrics.GetProperty("totalBlocks").GetInt32().Should().BeGreaterThan(0, "the flushed block was searched");
        metrics.GetProperty("completedJobs").GetInt32().Should().Be(metrics.GetProperty("totalJobs").GetInt32());
        long.Parse(metrics.GetProperty("inspectedBytes").GetString()!).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task An_attribute_filter_lists_every_matching_trace_newest_first_with_the_shown_attribute()
    {
        var json = await SearchAsync("q=" + Uri.EscapeDataString($"{{ resource.service.name = \"{Frontend}\" && span.http.response.status_code >= 200 }}"));

        var traces = json.GetProperty("traces").EnumerateArray().ToList();
        traces.Should().HaveCount(2);
        ShouldDescribe(traces[0], Live);
        ShouldDescribe(traces[1], Flushed);
        var root = traces[1].GetProperty("spanSet").GetProperty("spans").EnumerateArray().Should().ContainSingle().Subject;
        var status = root.GetProperty("attributes").EnumerateArray()
            .Should().ContainSingle(a => a.GetProperty("key").GetString() == "http.response.status_code").Subject;
        status.GetProperty("value").GetProperty("intValue").GetString().Should().Be("500");
    }

    [Fact]
    public async Task Limit_start_and_end_narrow_the_answer()
    {
        var one = await SearchAsync("q=" + Uri.EscapeDataString("{ status = error || status = unset }") + "&limit=1");
        one.GetProperty("traces").GetArrayLength().Should().Be(1);

        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var end = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds();
        var inWindow = await SearchAsync("q=" + Uri.EscapeDataString($"{{ resource.service.name = \"{Database}\" }}") + $"&start={start}&end={end}");
        inWindow.GetProperty("traces").GetArrayLength().Should().Be(2);
        var before = await SearchAsync("q=" + Uri.EscapeDataString($"{{ resource.service.name = \"{Database}\" }}") + $"&start={start - 7200}&end={start}");
        before.GetProperty("traces").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Tag_search_matches_case_insensitive_substrings_and_durations()
    {
        var byService = await SearchAsync("tags=" + Uri.EscapeDataString("service.name=SEARCH-FRONT"));
        byService.GetProperty("traces").GetArrayLength().Should().Be(2);

        var byDb = await SearchAsync("tags=" + Uri.EscapeDataString("db.system=Postgres http.response.status_code=500"));
        ShouldDescribe(byDb.GetProperty("traces").EnumerateArray().Should().ContainSingle().Subject, Flushed);

        var tooLong = await SearchAsync("tags=" + Uri.EscapeDataString("service.name=search") + "&minDuration=1h");
        tooLong.GetProperty("traces").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Filtered_tag_values_and_names_come_from_the_matching_spans()
    {
        var values = await GetJsonAsync("/api/v2/search/tag/span.db.system/values?q=" +
            Uri.EscapeDataString($"{{ resource.service.name = \"{Database}\" && span.db.system != \"redis\" }}"));
        values.GetProperty("tagValues").EnumerateArray().Select(v => (v.GetProperty("type").GetString(), v.GetProperty("value").GetString()))
            .Should().Equal(("string", "postgres"));

        var unfinished = await GetJsonAsync("/api/v2/search/tag/name/values?q=" +
            Uri.EscapeDataString("{ span.db.system = \"redis\" && kind = "));
        unfinished.GetProperty("tagValues").EnumerateArray().Select(v => v.GetProperty("value").GetString())
            .Should().Equal(Live.Query.DisplayName);

        var names = await GetJsonAsync("/api/v2/search/tags?scope=span&q=" + Uri.EscapeDataString($"{{ resource.service.name = \"{Frontend}\" }}"));
        var spanNames = names.GetProperty("scopes").EnumerateArray().Should().ContainSingle().Subject.GetProperty("tags")
            .EnumerateArray().Select(t => t.GetString()).ToList();
        spanNames.Should().Contain("http.response.status_code").And.NotContain("db.system");
    }

    [Fact]
    public async Task A_bad_query_is_a_400_with_tempos_message()
    {
        var response = await Client.GetAsync("/api/search?q=" + Uri.EscapeDataString("{ span.a = }"));

        response.Status.Should().Be(HttpStatusCode.BadRequest);
        response.Text.Should().StartWith("invalid TraceQL query: parse error at line 1, col 12");
    }

    private async Task<JsonElement> SearchAsync(string query) => await GetJsonAsync("/api/search?" + query);

    private async Task<JsonElement> GetJsonAsync(string pathAndQuery)
    {
        var response = await Client.GetAsync(pathAndQuery);
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }

    private static void ShouldDescribe(JsonElement trace, RecordedTrace expected)
    {
        trace.GetProperty("traceID").GetString().Should().Be(expected.Root.TraceId.ToHexString().TrimStart('0'));
        trace.GetProperty("rootServiceName").GetString().Should().Be(Frontend);
        trace.GetProperty("rootTraceName").GetString().Should().Be(expected.Root.DisplayName);
        trace.GetProperty("startTimeUnixNano").GetString().Should().Be(UnixNanos(expected.Root.StartTimeUtc).ToString());
        trace.GetProperty("durationMs").GetInt32().Should().Be((int)expected.Root.Duration.TotalMilliseconds);
    }

    private static long UnixNanos(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks * 100;

    public sealed record RecordedTrace(Activity Root, Activity Query);

    /// <summary>The server and the two exported traces, shared by the tests (they only read).</summary>
    public sealed class Exported : IAsyncLifetime
    {
        private readonly TempDir _dir = new("tempo-it-search");

        public ServerProcess Server { get; private set; } = null!;
        public TempoQueryClient Client { get; private set; } = null!;
        public RecordedTrace Flushed { get; private set; } = null!;
        public RecordedTrace Live { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await BlockPipelineServer.StartAsync(_dir.Path, compactionCycle: TimeSpan.FromHours(1), partitions: 1);
            Client = new TempoQueryClient(Server.HttpBase);
            Flushed = Export("GET /checkout", 500, "postgres", ActivityStatusCode.Error);
            await WaitForSpansAsync(Flushed);
            await BlockPipelineServer.FlushAsync(Server);
            Live = Export("GET /cart", 200, "redis", ActivityStatusCode.Unset);
            await WaitForSpansAsync(Live);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
            _dir.Dispose();
        }

        /// <summary>One trace over two services: a server span of the frontend calling the database service's client span.</summary>
        private RecordedTrace Export(string route, int status, string dbSystem, ActivityStatusCode code)
        {
            using var frontendSource = new ActivitySource(Frontend + "-instrumentation", "1.0.0");
            using var dbSource = new ActivitySource(Database + "-instrumentation", "1.0.0");
            using var frontend = Provider(Frontend, frontendSource.Name);
            using var db = Provider(Database, dbSource.Name);

            var root = frontendSource.StartActivity(route, ActivityKind.Server)!;
            root.SetTag("http.request.method", "GET");
            root.SetTag("http.response.status_code", status);
            root.SetStatus(code);
            Activity query;
            using (query = dbSource.StartActivity("SELECT " + route[5..], ActivityKind.Client, root.Context)!)
            {
                query.SetTag("db.system", dbSystem);
                Thread.Sleep(2);
            }
            root.Stop();
            frontend.ForceFlush(30_000).Should().BeTrue();
            db.ForceFlush(30_000).Should().BeTrue();
            return new RecordedTrace(root, query);
        }

        private TracerProvider Provider(string service, string source) =>
            Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
                .AddSource(source)
                .SetSampler(new AlwaysOnSampler())
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.Grpc;
                    // The SDK gives up on an export after 10 s by default; a loaded CI machine can take longer to answer.
                    o.TimeoutMilliseconds = 60_000;
                    o.Endpoint = Server.OtlpGrpc;
                    o.ExportProcessorType = ExportProcessorType.Batch;
                    o.BatchExportProcessorOptions = new() { ScheduledDelayMilliseconds = 60_000 };
                })
                .Build()!;

        private async Task WaitForSpansAsync(RecordedTrace trace)
        {
            // The two services export separately: wait until the live store holds both halves.
            var id = trace.Root.TraceId.ToHexString();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (FlatSpans.Flatten(await Client.WaitForTraceAsync(id, TimeSpan.FromSeconds(60))).Count < 2)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"trace {id} did not reach 2 spans within 60 s");
                await Task.Delay(20);
            }
        }
    }
}
