using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Hosting;

/// <summary>
/// Opens the configured listeners on Kestrel and remembers them, so that once the server runs the actually bound
/// addresses (port 0 resolved) can be reported: in the startup line, and to tests.
/// </summary>
public sealed class ListenerBindings
{
    /// <summary>How long a new connection may stay silent before the h2c sniffer drops it.</summary>
    public static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<ListenerRole, ListenOptions> _listeners = [];
    private readonly Lock _lock = new();

    public IReadOnlyCollection<ListenerRole> Roles
    {
        get
        {
            lock (_lock)
            {
                return [.. _listeners.Keys];
            }
        }
    }

    /// <summary>The address a listener is bound to; valid once the server has started.</summary>
    public IPEndPoint BoundEndPoint(ListenerRole role)
    {
        lock (_lock)
        {
            return _listeners.TryGetValue(role, out var listener)
                ? listener.IPEndPoint ?? throw new InvalidOperationException($"listener {role} is not an IP listener")
                : throw new InvalidOperationException($"listener {role} is not enabled in the configuration");
        }
    }

    public bool IsEnabled(ListenerRole role)
    {
        lock (_lock)
        {
            return _listeners.ContainsKey(role);
        }
    }

    /// <summary>One line naming every bound listener, e.g. <c>http=:3200 (HTTP/1.1 + h2c gRPC) otlp-grpc=localhost:4317</c>.</summary>
    public string Describe(TempoConfig config)
    {
        var parts = new List<string>
        {
            $"http={Display(config.Server.HttpListenAddress, ListenerRole.TempoHttp)} (HTTP/1.1 + h2c gRPC)",
        };
        if (config.OtlpReceivers()?.Grpc is { } grpc)
        {
            parts.Add($"otlp-grpc={Display(ConfigLoader.Endpoint(grpc.Endpoint, "grpc").Host, ListenerRole.OtlpGrpc)}");
        }

        if (config.OtlpReceivers()?.Http is { } http)
        {
            parts.Add($"otlp-http={Display(ConfigLoader.Endpoint(http.Endpoint, "http").Host, ListenerRole.OtlpHttp)}");
        }

        return string.Join(' ', parts);
    }

    internal void Configure(KestrelServerOptions kestrel, TempoConfig config)
    {
        lock (_lock)
        {
            _listeners.Clear();
            Add(kestrel, ListenerRole.TempoHttp, new ListenEndpoint(config.Server.HttpListenAddress, config.Server.HttpListenPort),
                HttpProtocols.Http1AndHttp2, sniffH2c: true);
            if (config.OtlpReceivers()?.Grpc is { } grpc)
            {
                // OTLP/gRPC clients always speak HTTP/2 with prior knowledge on this port.
                Add(kestrel, ListenerRole.OtlpGrpc, ConfigLoader.Endpoint(grpc.Endpoint, "distributor.receivers.otlp.protocols.grpc.endpoint"),
                    HttpProtocols.Http2, sniffH2c: false);
            }

            if (config.OtlpReceivers()?.Http is { } http)
            {
                Add(kestrel, ListenerRole.OtlpHttp, ConfigLoader.Endpoint(http.Endpoint, "distributor.receivers.otlp.protocols.http.endpoint"),
                    HttpProtocols.Http1AndHttp2, sniffH2c: true);
            }
        }
    }

    private void Add(KestrelServerOptions kestrel, ListenerRole role, ListenEndpoint endpoint, HttpProtocols protocols, bool sniffH2c)
    {
        void Setup(ListenOptions listen)
        {
            listen.Protocols = protocols;
            // Tag first: the routing policy reads the tag to serve each endpoint only on its own listener.
            var tag = new ListenerRoleFeature(role);
            listen.Use(next => connection =>
            {
                connection.Features.Set(tag);
                return next(connection);
            });
            if (sniffH2c)
            {
                listen.UseH2cPriorKnowledgeSniffing(FirstBytesTimeout);
            }

            _listeners[role] = listen;
        }

        if (endpoint.IsAnyHost)
        {
            kestrel.ListenAnyIP(endpoint.Port, Setup);
        }
        else if (string.Equals(endpoint.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel cannot bind "localhost" to a dynamic port (it would be two sockets); use IPv4 loopback then.
            if (endpoint.Port == 0)
            {
                kestrel.Listen(IPAddress.Loopback, 0, Setup);
            }
            else
            {
                kestrel.ListenLocalhost(endpoint.Port, Setup);
            }
        }
        else if (IPAddress.TryParse(endpoint.Host, out var address))
        {
            kestrel.Listen(address, endpoint.Port, Setup);
        }
        else
        {
            var resolved = Dns.GetHostAddresses(endpoint.Host);
            if (resolved.Length == 0)
            {
                throw new InvalidOperationException($"cannot listen on {endpoint}: host name {endpoint.Host} does not resolve");
            }

            kestrel.Listen(resolved[0], endpoint.Port, Setup);
        }
    }

    private string Display(string configuredHost, ListenerRole role)
    {
        if (!IsEnabled(role))
        {
            return "(not listening: in-process test server)";
        }

        var bound = BoundEndPoint(role);
        var host = configuredHost is "" or "0.0.0.0" or "::" or "[::]" ? "" : configuredHost;
        if (host == "localhost" || host.Length == 0)
        {
            return $"{host}:{bound.Port}";
        }

        return bound.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bound.Address}]:{bound.Port}" : $"{bound.Address}:{bound.Port}";
    }
}

/// <summary>Applies <see cref="ListenerBindings"/> and the h2c settings when Kestrel reads its options.</summary>
internal sealed class TempoKestrelSetup(TempoConfig config, ListenerBindings bindings) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        // Needed by the h2c recipe: an h2c stream says :scheme http on a connection Kestrel believes is TLS.
        options.AllowAlternateSchemes = true;
        options.AddServerHeader = false;
        bindings.Configure(options, config);
    }
}
