using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>Response plumbing shared by the query routes: Tempo's media types, plain-text errors, buffered bodies.</summary>
internal static class QueryResponses
{
    public const string Json = "application/json";
    public const string Protobuf = "application/protobuf";
    public const string Llm = "application/vnd.grafana.llm";
    public const string TextPlain = "text/plain; charset=utf-8";

    public const string NotReadyMessage =
        "the live store is still starting: queries are answered once it has opened its store and caught up; retry shortly";

    /// <summary>The response format Tempo picks from the whole <c>Accept</c> value (exact match, else JSON).</summary>
    public static string Negotiate(HttpRequest request, bool allowLlm)
    {
        var accept = request.Headers.Accept;
        var value = accept.Count > 0 ? accept[0] : null;
        return value switch
        {
            Protobuf => Protobuf,
            Llm when allowLlm => Llm,
            _ => Json,
        };
    }

    /// <summary>A plain-text error: Tempo's frontend answers bad input with the error text as the body.</summary>
    public static Task TextAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = TextPlain;
        return context.Response.WriteAsync(message, context.RequestAborted);
    }

    public static Task NotReadyAsync(HttpContext context) =>
        TextAsync(context, StatusCodes.Status503ServiceUnavailable, NotReadyMessage);

    /// <summary>Writes a body produced by <paramref name="write"/> with a Content-Length, after the whole body was built.</summary>
    public static async Task PayloadAsync<TState>(HttpContext context, string contentType, TState state,
        Action<IBufferWriter<byte>, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        write(buffer, state);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Go's <c>r.URL.Query().Get(name)</c>: the first value or "".</summary>
    public static Tempo.Streaming.Query.Http.QueryParameters Parameters(HttpRequest request) => name =>
    {
        var values = request.Query[name];
        return values.Count > 0 ? values[0] ?? "" : "";
    };
}
