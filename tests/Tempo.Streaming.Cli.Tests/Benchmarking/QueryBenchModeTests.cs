using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Cli.Commands;
using Tempo.Streaming.Cli.QueryBench;

namespace Tempo.Streaming.Cli.Tests.Benchmarking;

/// <summary><c>query-bench --mode</c>: Tempo's trace-by-ID mode is validated and sent with every request.</summary>
public sealed class QueryBenchModeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-query-bench-mode-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string IdsFile()
    {
        var ids = Path.Combine(_dir, "acked.tsv");
        File.WriteAllText(ids, "0\t0123456789abcdef0123456789abcdef\n1\tfedcba9876543210fedcba9876543210\n");
        return ids;
    }

    [Fact]
    public void Mode_is_one_of_tempos_and_absent_by_default()
    {
        var ids = IdsFile();
        QueryBenchCommand.Parse(["--ids", ids]).Options!.Mode.Should().BeNull();
        QueryBenchCommand.Parse(["--ids", ids, "--mode", "blocks"]).Options!.Mode.Should().Be("blocks");
        QueryBenchCommand.Parse(["--ids", ids, "--mode", "ingesters"]).Options!.Mode.Should().Be("ingesters");

        var (options, problems) = QueryBenchCommand.Parse(["--ids", ids, "--mode", "recent"]);
        options.Should().BeNull();
        problems.Should().ContainSingle().Which.Should().Contain("--mode").And.Contain("'recent'").And.Contain("blocks");
    }

    [Theory]
    [InlineData("blocks", "?mode=blocks")]
    [InlineData(null, "")]
    public async Task Every_request_carries_the_mode(string? mode, string expectedQuery)
    {
        var seen = new ConcurrentBag<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        await using var app = builder.Build();
        app.MapGet("/api/traces/{traceId}", (HttpContext context, string traceId) =>
        {
            seen.Add(traceId + context.Request.QueryString.Value);
            return Results.NotFound();
        });
        await app.StartAsync();
        var endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var summary = await new QueryBenchRunner(new QueryBenchOptions
        {
            QueryEndpoint = endpoint, IdsFile = IdsFile(), Requests = 20, Concurrency = 2, Warmup = 3, Mode = mode,
        }).RunAsync(CancellationToken.None);

        summary.Mode.Should().Be(mode);
        summary.NotFound.Should().Be(20);
        seen.Should().HaveCount(23).And.OnlyContain(path =>
            path == "0123456789abcdef0123456789abcdef" + expectedQuery || path == "fedcba9876543210fedcba9876543210" + expectedQuery);
        QueryBenchCommand.Json(summary).Should().Contain(mode is null ? "\"mode\": null" : $"\"mode\": \"{mode}\"");
    }
}
