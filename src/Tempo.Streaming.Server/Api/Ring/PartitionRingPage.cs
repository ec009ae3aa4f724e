using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// <c>GET /partition-ring</c>: dskit's <c>PartitionRingPageHandler</c>. One row per partition (ID order) with its state,
/// state timestamp and owner IDs; an owner whose partition is missing from the ring shows that partition as
/// <c>corrupted</c>, as dskit does, so a dangling owner is visible. JSON (with <c>Accept: application/json</c>) has
/// dskit's shape — <c>{"partitions":[{"id","corrupted","state","state_timestamp","owner_ids"}]}</c>, <c>state</c> being
/// the enum number (Go encodes the protobuf enum as an integer) and <c>owner_ids</c> null when there is none. The HTML
/// page adds each owner's zone, address and heartbeat age.
/// </summary>
internal static class PartitionRingPage
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

        var rows = Rows(store.Current);
        if (RingPageFormat.WantsJson(context.Request))
        {
            await RingPageFormat.WriteJsonAsync(context, rows, WriteJson).ConfigureAwait(false);
            return;
        }

        var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        await RingPageFormat.WriteHtmlAsync(context, Html(rows, now, services.HeartbeatTimeout)).ConfigureAwait(false);
    }

    private sealed record Row(int Id, bool Corrupted, PartitionState State, DateTimeOffset StateTimestamp, List<OwnerDesc> Owners);

    private static List<Row> Rows(PartitionRingDesc ring)
    {
        var byId = new SortedDictionary<int, Row>();
        foreach (var partition in ring.Partitions.Values)
        {
            byId[partition.Id] = new Row(partition.Id, false, partition.State, partition.StateTimestamp, []);
        }

        // Owners come in instance-ID order, so each row's owner list is sorted as dskit sorts it.
        foreach (var owner in ring.Owners.Values)
        {
            if (!byId.TryGetValue(owner.Partition, out var row))
            {
                byId[owner.Partition] = row = new Row(owner.Partition, true, PartitionState.Unknown, DateTimeOffset.MinValue, []);
            }

            row.Owners.Add(owner);
        }

        return [.. byId.Values];
    }

    private static void WriteJson(Utf8JsonWriter json, List<Row> rows)
    {
        json.WriteStartObject();
        json.WriteStartArray("partitions");
        foreach (var row in rows)
        {
            json.WriteStartObject();
            json.WriteNumber("id", row.Id);
            json.WriteBoolean("corrupted", row.Corrupted);
            json.WriteNumber("state", (int)row.State);
            json.WriteString("state_timestamp", RingPageFormat.GoJsonTime(RingPageFormat.Seconds(row.StateTimestamp)));
            if (row.Owners.Count == 0)
            {
                json.WriteNull("owner_ids");
            }
            else
            {
                json.WriteStartArray("owner_ids");
                foreach (var owner in row.Owners)
                {
                    json.WriteStringValue(owner.InstanceId);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static StringBuilder Html(List<Row> rows, DateTimeOffset now, TimeSpan heartbeatTimeout)
    {
        var page = new StringBuilder(2048);
        page.Append("<!DOCTYPE html>\n<html>\n<head>\n    <meta charset=\"UTF-8\">\n    <title>Partitions Ring Status</title>\n</head>\n<body>\n")
            .Append("    <h1>Partitions Ring Status</h1>\n")
            .Append("    <p>Current time: ").Append(RingPageFormat.PageTime(now)).Append("</p>\n")
            .Append("    <table width=\"100%\" border=\"1\">\n        <thead>\n            <tr>\n")
            .Append("                <th>Partition ID</th>\n                <th>State</th>\n                <th>State updated at</th>\n")
            .Append("                <th>Owners</th>\n            </tr>\n        </thead>\n        <tbody>\n");
        foreach (var row in rows)
        {
            page.Append(row.Corrupted ? "            <tr bgcolor=\"#FFDEDE\">\n" : row.Id % 2 == 0 ? "            <tr bgcolor=\"#BEBEBE\">\n" : "            <tr>\n")
                .Append("                <td>").Append(row.Id).Append("</td>\n")
                .Append("                <td>").Append(row.Corrupted ? "Corrupt" : CleanName(row.State)).Append("</td>\n")
                .Append("                <td>")
                .Append(row.StateTimestamp == DateTimeOffset.MinValue ? "N/A" : RingPageFormat.PageTime(row.StateTimestamp))
                .Append("</td>\n                <td>\n");
            foreach (var owner in row.Owners)
            {
                var healthy = owner.State == OwnerState.Active && now - owner.Heartbeat <= heartbeatTimeout;
                page.Append("                    ").Append(RingPageFormat.Encode(owner.InstanceId))
                    .Append(" (zone ").Append(RingPageFormat.Encode(owner.Zone.Length == 0 ? "-" : owner.Zone))
                    .Append(", ").Append(RingPageFormat.Encode(owner.HttpAddress.Length == 0 ? "-" : owner.HttpAddress))
                    .Append(", ").Append(owner.State.Name()).Append(healthy ? "" : ", UNHEALTHY")
                    .Append(", last heartbeat ").Append(RingPageFormat.Ago(owner.Heartbeat, now)).Append(" ago)<br />\n");
            }

            page.Append("                </td>\n            </tr>\n");
        }

        page.Append("        </tbody>\n    </table>\n</body>\n</html>\n");
        return page;
    }

    /// <summary>dskit's <c>CleanName</c>: the state's name without the <c>Partition</c> prefix.</summary>
    private static string CleanName(PartitionState state) => state.Name()["Partition".Length..];
}
