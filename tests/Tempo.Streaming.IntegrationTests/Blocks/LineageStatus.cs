using System.Net;
using System.Text.Json;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>One partition of <c>GET /status/lineage</c>.</summary>
public sealed record PartitionLineageStatus(int Partition, bool Healthy, long? HighWatermark, long? CommittedOffset, long? FlushedOffset,
    int Gaps, int Overlaps, bool NotYetFlushed, IReadOnlyList<(long First, long Last)> Covered);

/// <summary>
/// The lineage audit a live store serves at <c>GET /status/lineage</c>, read and checked: after a complete flush every
/// offset of every partition it consumes is in exactly one block of a tenant (or in a recorded empty range) — no gap,
/// no overlap — and the flushed and committed offsets both reached the high watermark.
/// </summary>
public static class LineageStatus
{
    public static async Task<(bool Healthy, List<PartitionLineageStatus> Partitions, string Json)> GetAsync(TempoQueryClient client)
    {
        var response = await client.GetAsync("/status/lineage", "application/json");
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        response.ContentType.Should().Be("application/json");
        using var json = JsonDocument.Parse(response.Body);
        var partitions = new List<PartitionLineageStatus>();
        foreach (var p in json.RootElement.GetProperty("partitions").EnumerateArray())
        {
            var covered = p.GetProperty("covered").EnumerateArray()
                .Select(r => (r.GetProperty("firstOffset").GetInt64(), r.GetProperty("lastOffset").GetInt64()))
                .ToList();
            partitions.Add(new PartitionLineageStatus(p.GetProperty("partition").GetInt32(), p.GetProperty("healthy").GetBoolean(),
                Number(p, "highWatermark"), Number(p, "committedOffset"), Number(p, "flushedOffset"),
                p.GetProperty("gaps").GetArrayLength(), p.GetProperty("overlaps").GetArrayLength(),
                p.GetProperty("notYetFlushed").ValueKind != JsonValueKind.Null, covered));
        }
        return (json.RootElement.GetProperty("healthy").GetBoolean(), partitions, response.Text);
    }

    /// <summary>
    /// Healthy, and every partition that received records is flushed and committed to its high watermark with its
    /// covered runs tiling [0, high watermark) without a hole.
    /// </summary>
    public static async Task ShouldBeHealthyAndFullyFlushedAsync(TempoQueryClient client, string what)
    {
        var (healthy, partitions, json) = await GetAsync(client);
        healthy.Should().BeTrue($"{what}: the lineage audit finds no gap and no overlap: {json}");
        partitions.Should().NotBeEmpty($"{what}: the live store reports the partitions it consumes: {json}");
        var withRecords = 0;
        foreach (var p in partitions)
        {
            p.Healthy.Should().BeTrue($"{what}: partition {p.Partition}: {json}");
            p.Gaps.Should().Be(0, $"{what}: partition {p.Partition} has no gap: {json}");
            p.Overlaps.Should().Be(0, $"{what}: partition {p.Partition} has no overlap: {json}");
            p.NotYetFlushed.Should().BeFalse($"{what}: partition {p.Partition} was flushed completely: {json}");
            if (p.HighWatermark is not > 0) continue;
            withRecords++;
            p.FlushedOffset.Should().Be(p.HighWatermark, $"{what}: partition {p.Partition} is flushed to its end: {json}");
            p.CommittedOffset.Should().Be(p.HighWatermark, $"{what}: partition {p.Partition}'s flushed offset is committed: {json}");

            // The covered runs, in order, tile the whole log of the partition (it starts at 0: nothing expired yet).
            var next = 0L;
            foreach (var (first, last) in p.Covered.OrderBy(r => r.First))
            {
                first.Should().Be(next, $"{what}: partition {p.Partition}'s covered runs are contiguous: {json}");
                next = last + 1;
            }
            next.Should().Be(p.HighWatermark!.Value, $"{what}: partition {p.Partition}'s covered runs reach the high watermark: {json}");
        }
        withRecords.Should().BePositive($"{what}: some partition received the pushed records: {json}");
    }

    private static long? Number(JsonElement element, string name) =>
        element.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : null;
}
