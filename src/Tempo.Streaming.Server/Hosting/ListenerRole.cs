namespace Tempo.Streaming.Server.Hosting;

/// <summary>The listeners this process opens; every endpoint belongs to exactly one.</summary>
public enum ListenerRole
{
    /// <summary><c>server.http_listen_port</c> (3200): Tempo's HTTP API, plus gRPC over h2c.</summary>
    TempoHttp,

    /// <summary><c>distributor.receivers.otlp.protocols.grpc</c> (4317): HTTP/2 only.</summary>
    OtlpGrpc,

    /// <summary><c>distributor.receivers.otlp.protocols.http</c> (4318).</summary>
    OtlpHttp,
}

/// <summary>Endpoint metadata: the endpoint is served only on connections accepted by this listener.</summary>
public sealed record ListenerRoleMetadata(ListenerRole Role);

/// <summary>Connection feature set by each listener's connection middleware: which listener accepted the connection.</summary>
public sealed record ListenerRoleFeature(ListenerRole Role);
