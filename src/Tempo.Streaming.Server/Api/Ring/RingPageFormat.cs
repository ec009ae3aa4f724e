using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// What the two ring pages share with dskit's <c>renderHTTPResponse</c>: JSON when the <c>Accept</c> header contains
/// <c>application/json</c> (encoded like Go's <c>json.Encoder</c>: a trailing newline, times as RFC 3339 with the
/// fraction trimmed), else an HTML page; and Go's time texts.
/// </summary>
internal static class RingPageFormat
{
    public const string Html = "text/html";
    public const string Json = "application/json";

    public static bool WantsJson(HttpRequest request)
    {
        foreach (var value in request.Headers.Accept)
        {
            if (value is not null && value.Contains(Json, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Go's <c>time.Time</c> JSON form (RFC 3339 nano, trailing zeros of the fraction dropped), in UTC.</summary>
    public static string GoJsonTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time with whole seconds, as dskit keeps ring timestamps (unix seconds); MinValue stays Go's zero time.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset time) =>
        time == DateTimeOffset.MinValue ? time : DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    /// <summary>dskit's <c>formatTimestamp</c> (<c>2006-01-02 15:04:05 MST</c>) in UTC.</summary>
    public static string PageTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd' 'HH':'mm':'ss' UTC'", CultureInfo.InvariantCulture);

    /// <summary>How long ago, like Go's <c>time.Since(t).Truncate(time.Millisecond)</c> in seconds: <c>3.25s</c>.</summary>
    public static string Ago(DateTimeOffset time, DateTimeOffset now)
    {
        var elapsed = now - time;
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        return Math.Round(elapsed.TotalSeconds, 3, MidpointRounding.ToZero).ToString("0.###", CultureInfo.InvariantCulture) + "s";
    }

    public static string Encode(string text) => System.Net.WebUtility.HtmlEncode(text);

    public static async Task WriteJsonAsync<TState>(HttpContext context, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json, state);
        }

        buffer.Write("\n"u8);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = Json;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteHtmlAsync(HttpContext context, StringBuilder page)
    {
        var body = Encoding.UTF8.GetBytes(page.ToString());
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = Html;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The 503 of a page whose ring store has not started yet.</summary>
    public static Task RingNotReadyAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("the partition ring is not available yet: this process is still starting; retry shortly\n",
            context.RequestAborted);
    }

    /// <summary>dskit's pages answer other methods with <c>http.Error(w, "Unsupported HTTP method", 405)</c>.</summary>
    public static Task MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Unsupported HTTP method\n", context.RequestAborted);
    }
}
