using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;
using Tempo.Streaming.Server.Lifecycle;

namespace Tempo.Streaming.Server.Api;

/// <summary>
/// Tempo's <c>/ready</c> and <c>/status/*</c> pages (cmd/tempo/app/app.go): plain text, one section per page, each
/// section headed <c>GET /status/&lt;name&gt;</c>; <c>/status</c> prints them all.
/// </summary>
internal sealed class StatusPages(TempoConfig config, ServiceRegistry registry, EndpointDataSource endpoints, ListenerBindings bindings)
{
    public const string ApiDocs = "https://grafana.com/docs/tempo/latest/api_docs/";

    private static readonly string[] Sections = ["version", "services", "endpoints", "config"];

    /// <summary>
    /// 200 <c>ready</c> once every service runs; otherwise 503 with Tempo's "Some services are not Running:" and a line
    /// per state (count, then which services); 503 <c>Application is stopping</c> once shutdown began.
    /// </summary>
    public (int Status, string Body) Ready()
    {
        if (registry.ShutdownRequested)
        {
            return (StatusCodes.Status503ServiceUnavailable, "Application is stopping\n");
        }

        if (registry.AllRunning())
        {
            return (StatusCodes.Status200OK, "ready\n");
        }

        var body = new StringBuilder("Some services are not Running:\n");
        foreach (var group in registry.Services.GroupBy(s => s.State).OrderBy(g => g.Key))
        {
            var names = string.Join(", ", group.Select(s => s.FailureCase is { } failure ? $"{s.Name}: {failure}" : s.Name));
            body.Append(group.Key).Append(": ").Append(group.Count()).Append(" (").Append(names).Append(")\n");
        }

        return (StatusCodes.Status503ServiceUnavailable, body.ToString());
    }

    /// <summary>One section, or every section when <paramref name="section"/> is null. Unknown names → 404, bad mode → 400.</summary>
    public (int Status, string Body) Status(string? section, string? mode)
    {
        if (section is not null && Array.IndexOf(Sections, section) < 0)
        {
            return (StatusCodes.Status404NotFound,
                $"unknown status page \"{section}\"; available: {string.Join(", ", Sections.Select(s => "/status/" + s))}\n");
        }

        if (mode is not (null or "" or "diff" or "defaults"))
        {
            return (StatusCodes.Status400BadRequest, $"unknown value for mode query parameter: {mode} (use diff or defaults)\n");
        }

        var body = new StringBuilder();
        foreach (var name in section is null ? Sections : [section])
        {
            body.Append("GET /status/").Append(name).Append('\n');
            switch (name)
            {
                case "version":
                    body.Append(BuildInfo.Current.ToText());
                    break;
                case "services":
                    WriteServices(body);
                    break;
                case "endpoints":
                    WriteEndpoints(body);
                    break;
                default:
                    WriteConfig(body, mode);
                    break;
            }
        }

        return (StatusCodes.Status200OK, body.ToString());
    }

    private void WriteServices(StringBuilder body)
    {
        var rows = registry.Services
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new[] { s.Name, s.State.ToString(), s.FailureCase ?? "" })
            .ToList();
        TextTable.Render(body, ["service name", "status", "failure case"], rows);
    }

    private void WriteEndpoints(StringBuilder body)
    {
        var rows = new List<string[]>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            if (endpoint is not RouteEndpoint route)
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? string.Join(",", m) : "*";
            var role = endpoint.Metadata.GetMetadata<ListenerRoleMetadata>()?.Role ?? ListenerRole.TempoHttp;
            var listener = bindings.IsEnabled(role) ? $"{ListenerName(role)} :{bindings.BoundEndPoint(role).Port}" : ListenerName(role);
            rows.Add(["/" + route.RoutePattern.RawText?.TrimStart('/'), methods, listener]);
        }

        rows.Sort((a, b) => string.CompareOrdinal(a[0] + a[2], b[0] + b[2]));
        TextTable.Render(body, ["name", "methods", "listener"], rows);
        body.Append("\nAPI documentation: ").Append(ApiDocs).Append("\n\n");
    }

    private void WriteConfig(StringBuilder body, string? mode)
    {
        var tree = mode switch
        {
            "defaults" => ConfigDocument.ToTree(TempoConfig.Default),
            "diff" => ConfigDocument.Diff(ConfigDocument.ToTree(TempoConfig.Default), ConfigDocument.ToTree(config)),
            _ => ConfigDocument.ToTree(config),
        };
        body.Append("---\n").Append(ConfigDocument.ToYaml(tree));
    }

    private static string ListenerName(ListenerRole role) => role switch
    {
        ListenerRole.TempoHttp => "http",
        ListenerRole.OtlpGrpc => "otlp-grpc",
        _ => "otlp-http",
    };
}
