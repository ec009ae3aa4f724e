using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// <c>GET /live-store/ring</c>: the live stores in the ring (its owners), in dskit's ring status page form. JSON (with
/// <c>Accept: application/json</c>) has dskit's <c>StatusPageData</c> shape — <c>{"shards":[{"id","state","address",
/// "timestamp","registered_timestamp","zone","tokens"}],"now"}</c> — where <c>state</c> is <c>ACTIVE</c>, <c>LEFT</c> for an
/// owner marked deleted, or <c>UNHEALTHY</c> when its heartbeat is older than the heartbeat timeout (dskit's rule),
/// <c>timestamp</c> is the last heartbeat, <c>registered_timestamp</c> when the ownership was last written, and
/// <c>tokens</c> is empty (partition-ring members own partitions, not tokens); <c>partition</c> is added: the partition
/// the member owns.
/// </summary>
internal static class LiveStoreRingPage
{
    public static async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await RingPageFormat.MethodNotAllowedAsync(context).ConfigureAwait(false);
            return;
        }

        var services = context.RequestServices.GetRequiredService<RingServices>();
        if (services.Store is not { } store)
        {
            await RingPageFormat.RingNotReadyAsync(context).ConfigureAwait(false);
            return;
        }

        var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var page = new Page(store.Current.Owners.Values.ToList(), now, services.HeartbeatTimeout);
        if (RingPageFormat.WantsJson(context.Request))
        {
            await RingPageFormat.WriteJsonAsync(context, page, WriteJson).ConfigureAwait(false);
            return;
        }

        await RingPageFormat.WriteHtmlAsync(context, Html(page)).ConfigureAwait(false);
    }

    private sealed record Page(List<OwnerDesc> Owners, DateTimeOffset Now, TimeSpan HeartbeatTimeout)
    {
        public string State(OwnerDesc owner) => owner.State switch
        {
            OwnerState.Deleted => "LEFT",
            _ when Now - owner.Heartbeat > HeartbeatTimeout => "UNHEALTHY",
            OwnerState.Active => "ACTIVE",
            _ => "PENDING",
        };
    }

    private static void WriteJson(Utf8JsonWriter json, Page page)
    {
        json.WriteStartObject();
        json.WriteStartArray("shards");
        foreach (var owner in page.Owners)
        {
            json.WriteStartObject();
            json.WriteString("id", owner.InstanceId);
            json.WriteString("state", page.State(owner));
            json.WriteString("address", owner.HttpAddress);
            json.WriteString("timestamp", RingPageFormat.GoJsonTime(RingPageFormat.Seconds(owner.Heartbeat)));
            json.WriteString("registered_timestamp", RingPageFormat.GoJsonTime(RingPageFormat.Seconds(owner.UpdatedTimestamp)));
            json.WriteString("zone", owner.Zone);
            json.WriteStartArray("tokens");
            json.WriteEndArray();
            json.WriteNumber("partition", owner.Partition);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("now", RingPageFormat.GoJsonTime(page.Now));
        json.WriteEndObject();
    }

    private static StringBuilder Html(Page page)
    {
        var html = new StringBuilder(2048);
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n    <meta charset=\"UTF-8\">\n    <title>Live-store Ring Status</title>\n</head>\n<body>\n")
            .Append("<h1>Live-store Ring Status</h1>\n")
            .Append("<p>Current time: ").Append(RingPageFormat.PageTime(page.Now)).Append("</p>\n")
            .Append("<table width=\"100%\" border=\"1\">\n    <thead>\n    <tr>\n")
            .Append("        <th>Instance ID</th>\n        <th>Availability Zone</th>\n        <th>State</th>\n        <th>Address</th>\n")
            .Append("        <th>Registered At</th>\n        <th>Last Heartbeat</th>\n        <th>Partition</th>\n    </tr>\n    </thead>\n    <tbody>\n");
        for (var i = 0; i < page.Owners.Count; i++)
        {
            var owner = page.Owners[i];
            html.Append(i % 2 == 0 ? "    <tr>\n" : "    <tr bgcolor=\"#BEBEBE\">\n")
                .Append("        <td>").Append(RingPageFormat.Encode(owner.InstanceId)).Append("</td>\n")
                .Append("        <td>").Append(RingPageFormat.Encode(owner.Zone)).Append("</td>\n")
                .Append("        <td>").Append(page.State(owner)).Append("</td>\n")
                .Append("        <td>").Append(RingPageFormat.Encode(owner.HttpAddress)).Append("</td>\n")
                .Append("        <td>").Append(RingPageFormat.GoJsonTime(owner.UpdatedTimestamp)).Append("</td>\n")
                .Append("        <td>").Append(RingPageFormat.Ago(owner.Heartbeat, page.Now)).Append(" ago (")
                .Append(owner.Heartbeat.UtcDateTime.ToString("HH':'mm':'ss.fff", System.Globalization.CultureInfo.InvariantCulture))
                .Append(")</td>\n")
                .Append("        <td>").Append(owner.Partition).Append("</td>\n")
                .Append("    </tr>\n");
        }

        html.Append("    </tbody>\n</table>\n</body>\n</html>\n");
        return html;
    }
}
