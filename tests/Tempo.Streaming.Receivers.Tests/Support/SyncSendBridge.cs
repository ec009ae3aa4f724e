namespace Tempo.Streaming.Receivers.Tests.Support;

/// <summary>
/// The OpenTelemetry exporter's HTTP/protobuf transport calls the synchronous <c>HttpClient.Send</c>, which TestServer's
/// handler refuses (NotSupportedException, "synchronous method is not supported"). Tests bridge it to the async path;
/// over real sockets the exporter's synchronous send works as is.
/// </summary>
public sealed class SyncSendBridge(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}
