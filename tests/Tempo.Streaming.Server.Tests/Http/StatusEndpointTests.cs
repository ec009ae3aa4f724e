using System.Net;
using System.Text.Json;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Tempo.Streaming.Server.Tests.Http;

public sealed class StatusEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RunningServer Server => fixture.Server;

    private async Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(string path)
    {
        using var response = await Server.Client.GetAsync(Server.HttpUri(path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Echo_answers_echo()
    {
        var (status, body, contentType) = await GetAsync("/api/echo");

        status.Should().Be(HttpStatusCode.OK);
        body.Should().Be("echo");
        contentType.Should().StartWith("text/plain");
    }

    [Fact]
    public async Task Ready_answers_ready_once_every_service_runs()
    {
        var (status, body, _) = await GetAsync("/ready");

        status.Should().Be(HttpStatusCode.OK);
        body.Should().Be("ready\n");
    }

    [Fact]
    public async Task Buildinfo_has_tempo_field_names()
    {
        var (status, body, contentType) = await GetAsync("/api/status/buildinfo");

        status.Should().Be(HttpStatusCode.OK);
        contentType.Should().StartWith("application/json");
        using var json = JsonDocument.Parse(body);
        json.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal(
            "version", "revision", "branch", "buildUser", "buildDate", "goVersion");
        json.RootElement.EnumerateObject().Should().OnlyContain(p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.Length > 0);
        json.RootElement.GetProperty("version").GetString().Should().Be("0.1.0");
        json.RootElement.GetProperty("goVersion").GetString().Should().StartWith(".NET ", "the runtime version stands in for Go's");
    }

    [Fact]
    public async Task Status_version_prints_the_prometheus_version_text()
    {
        var (status, body, _) = await GetAsync("/status/version");

        status.Should().Be(HttpStatusCode.OK);
        body.Should().MatchRegex(@"^GET /status/version\ntempo-streaming, version 0\.1\.0 \(branch: .+, revision: .+\)\n  build user: +.+\n  build date: +.+\n  go version: +\.NET .+\n  platform: +\w+/\w+\n");
    }

    [Fact]
    public async Task Status_services_is_a_table_of_every_service_and_its_state()
    {
        var (status, body, _) = await GetAsync("/status/services");

        status.Should().Be(HttpStatusCode.OK);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("GET /status/services");
        lines[1].Should().MatchRegex(@"^\+-+\+-+\+-+\+$");
        lines[2].Should().MatchRegex(@"^\| SERVICE NAME +\| STATUS +\| FAILURE CASE +\|$");
        var rows = lines.Skip(4).Where(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1..3]).ToList();
        rows.Should().BeEquivalentTo(new[]
        {
            new[] { "compactor", "Running" },
            new[] { "distributor", "Running" },
            new[] { "ingest-log", "Running" },
            new[] { "live-store", "Running" },
            new[] { "partition-ring", "Running" },
            new[] { "receivers", "Running" },
            new[] { "server", "Running" },
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Status_endpoints_lists_routes_with_their_listener()
    {
        var (status, body, _) = await GetAsync("/status/endpoints");

        status.Should().Be(HttpStatusCode.OK);
        body.Should().StartWith("GET /status/endpoints\n");
        body.Should().MatchRegex(@"\| /ready +\| GET +\| http :" + Server.HttpPort + " +\\|");
        body.Should().MatchRegex(@"\| /v1/traces +\| POST +\| otlp-http :" + Server.OtlpHttpPort + " +\\|");
        body.Should().MatchRegex(@"\| /opentelemetry\.proto\.collector\.trace\.v1\.TraceService/Export +\| POST +\| otlp-grpc :" + Server.OtlpGrpcPort + " +\\|");
        body.Should().Contain("API documentation: https://grafana.com/docs/tempo/latest/api_docs/");
    }

    [Fact]
    public async Task Status_config_is_the_effective_config_as_yaml()
    {
        var (status, body, _) = await GetAsync("/status/config");

        status.Should().Be(HttpStatusCode.OK);
        var yaml = ParseSection(body, "config");
        Scalar(yaml, "server", "http_listen_port").Should().Be("0");
        Scalar(yaml, "server", "http_listen_address").Should().Be("127.0.0.1");
        Scalar(yaml, "ingest", "embedded", "retention_period").Should().Be("24h0m0s");
        Scalar(yaml, "ingest", "embedded", "path").Should().Be(Server.IngestPath);
        Scalar(yaml, "distributor", "receivers", "otlp", "protocols", "grpc", "endpoint").Should().Be("127.0.0.1:0");
        Scalar(yaml, "storage", "trace", "backend").Should().Be("local");
    }

    [Fact]
    public async Task Status_config_diff_shows_only_values_that_differ_from_the_defaults()
    {
        var (status, body, _) = await GetAsync("/status/config?mode=diff");

        status.Should().Be(HttpStatusCode.OK);
        var yaml = ParseSection(body, "config");
        yaml.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Should().BeEquivalentTo("server", "distributor", "ingest", "storage", "live_store");
        ((YamlMappingNode)yaml["server"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value)
            .Should().BeEquivalentTo("http_listen_address", "http_listen_port", "log_level");
        Scalar(yaml, "ingest", "embedded", "partitions").Should().Be("2");
        ((YamlMappingNode)((YamlMappingNode)yaml["ingest"])["embedded"]).Children.Should().HaveCount(2, "path and partitions differ");
    }

    [Fact]
    public async Task Status_config_defaults_shows_the_built_in_defaults()
    {
        var (status, body, _) = await GetAsync("/status/config?mode=defaults");

        status.Should().Be(HttpStatusCode.OK);
        var yaml = ParseSection(body, "config");
        Scalar(yaml, "server", "http_listen_port").Should().Be("3200");
        Scalar(yaml, "ingest", "embedded", "path").Should().Be("./data/ingest");
        Scalar(yaml, "distributor", "receivers", "otlp", "protocols", "http", "endpoint").Should().Be("localhost:4318");
        ConfigLoader.Parse(body[(body.IndexOf("---\n", StringComparison.Ordinal) + 4)..]).Should().Be(TempoConfig.Default,
            "the defaults page is itself a valid config file");
    }

    [Fact]
    public async Task Status_config_with_an_unknown_mode_is_a_bad_request()
    {
        var (status, body, _) = await GetAsync("/status/config?mode=everything");

        status.Should().Be(HttpStatusCode.BadRequest);
        body.Should().Be("unknown value for mode query parameter: everything (use diff or defaults)\n");
    }

    [Fact]
    public async Task Status_index_prints_every_section_in_order()
    {
        var (status, body, _) = await GetAsync("/status");

        status.Should().Be(HttpStatusCode.OK);
        var headers = body.Split('\n').Where(l => l.StartsWith("GET /status/", StringComparison.Ordinal)).ToList();
        headers.Should().Equal("GET /status/version", "GET /status/services", "GET /status/endpoints", "GET /status/config");
    }

    [Fact]
    public async Task Unknown_status_page_is_404()
    {
        var (status, body, _) = await GetAsync("/status/nope");

        status.Should().Be(HttpStatusCode.NotFound);
        body.Should().Contain("/status/services");
    }

    private static YamlMappingNode ParseSection(string body, string section)
    {
        body.Should().StartWith($"GET /status/{section}\n---\n");
        var stream = new YamlStream();
        stream.Load(new StringReader(body[$"GET /status/{section}\n".Length..]));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode root, params string[] path)
    {
        YamlNode node = root;
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node)[key];
        }

        return ((YamlScalarNode)node).Value;
    }
}
