using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Server.Metrics;

namespace Tempo.Streaming.Server.Api;

/// <summary>The operational part of Tempo's HTTP API (api_docs): readiness, metrics, echo, build info and status pages.</summary>
internal static class TempoApiEndpoints
{
    public const string TextPlain = "text/plain; charset=utf-8";

    public static void MapTempoApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/ready", (StatusPages pages) => Text(pages.Ready())).WithDisplayName("readiness");

        endpoints.MapGet("/metrics", (PrometheusExporter exporter) =>
            Results.Text(exporter.Scrape(), PrometheusExporter.ContentType)).WithDisplayName("Prometheus metrics");

        endpoints.MapGet("/api/echo", () => Results.Text("echo", TextPlain)).WithDisplayName("echo");

        endpoints.MapGet("/api/status/buildinfo", () =>
            Results.Text(JsonSerializer.Serialize(BuildInfo.Current) + "\n", "application/json")).WithDisplayName("build info");

        endpoints.MapGet("/status", (StatusPages pages, HttpRequest request) =>
            Text(pages.Status(null, request.Query["mode"].ToString()))).WithDisplayName("status");

        endpoints.MapGet("/status/{endpoint}", (StatusPages pages, HttpRequest request, string endpoint) =>
            Text(pages.Status(endpoint, request.Query["mode"].ToString()))).WithDisplayName("status page");
    }

    public static IServiceCollection AddTempoApi(this IServiceCollection services) => services.AddSingleton<StatusPages>();

    private static IResult Text((int Status, string Body) page) => Results.Text(page.Body, TextPlain, statusCode: page.Status);
}
