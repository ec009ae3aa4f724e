using System.Text.Json;

namespace Tempo.Streaming.Blocks.Lineage;

/// <summary>
/// The JSON of <c>GET /status/lineage?tenant=&amp;partition=</c> and <c>blocks lineage --json</c>. camelCase, fields always
/// present and always in this order (absent values are <c>null</c>, lists may be empty), so scripts and golden tests can
/// rely on the shape:
/// <code>
/// {
///   "healthy": true,                      // no gap and no overlap in any partition listed
///   "tenant": null, "partition": null,    // the filters the report was made with
///   "partitions": [{
///     "topic": "tempo-ingest", "partition": 0, "healthy": true,
///     "logStartOffset": 0, "highWatermark": 1200, "committedOffset": 1000, "flushedOffset": 1000,   // next offsets; null = unknown
///     "audited": {"firstOffset": 0, "lastOffset": 999},                    // null = nothing to check
///     "covered": [{"firstOffset": 0, "lastOffset": 99, "empty": false,
///                  "blocks": [{"tenant": "t", "blockId": "uuid", "compacted": false}], "otherTenantBlocks": 0}],
///     "gaps": [{"firstOffset": 100, "lastOffset": 149, "compactedBlocks": [{"tenant", "blockId", "compacted": true}]}],
///     "overlaps": [{"tenant": "t", "firstOffset": 0, "lastOffset": 99, "blockIds": ["uuid", "uuid"]}],
///     "notYetFlushed": {"firstOffset": 1000, "lastOffset": 1199}          // null = nothing pending or unknown
///   }],
///   "blocksWithoutLineage": [{"tenant", "blockId", "compacted"}],          // e.g. blocks written by Tempo itself
///   "unreadableBlocks": [{"tenant", "blockId", "problem"}]
/// }
/// </code>
/// Ranges are inclusive (as in a block's <c>ingest</c> lineage); the four partition offsets are Kafka-style next offsets.
/// Offsets are JSON numbers, not strings as in Tempo's gogo-jsonpb trace bodies: this is our own status document and log
/// offsets stay far below 2^53. Block IDs are lower-case hyphenated UUIDs, as block folder names.
/// </summary>
public static class LineageReportJson
{
    /// <summary>The report as UTF-8 JSON.</summary>
    public static byte[] Serialize(LineageReport report, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, report);
        }
        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, LineageReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteBoolean("healthy", report.Healthy);
        WriteStringOrNull(writer, "tenant", report.Tenant);
        WriteNumberOrNull(writer, "partition", report.Partition);
        writer.WriteStartArray("partitions");
        foreach (var partition in report.Partitions)
        {
            WritePartition(writer, partition);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("blocksWithoutLineage");
        foreach (var block in report.BlocksWithoutLineage)
        {
            WriteBlock(writer, block);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("unreadableBlocks");
        foreach (var block in report.UnreadableBlocks)
        {
            writer.WriteStartObject();
            writer.WriteString("tenant", block.Tenant);
            writer.WriteString("blockId", block.BlockId.ToString("D"));
            writer.WriteString("problem", block.Problem);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WritePartition(Utf8JsonWriter writer, PartitionLineage partition)
    {
        writer.WriteStartObject();
        writer.WriteString("topic", partition.Topic);
        writer.WriteNumber("partition", partition.Partition);
        writer.WriteBoolean("healthy", partition.Healthy);
        WriteNumberOrNull(writer, "logStartOffset", partition.Offsets.LogStartOffset);
        WriteNumberOrNull(writer, "highWatermark", partition.Offsets.HighWatermark);
        WriteNumberOrNull(writer, "committedOffset", partition.Offsets.CommittedOffset);
        WriteNumberOrNull(writer, "flushedOffset", partition.Offsets.FlushedOffset);
        WriteRange(writer, "audited", partition.Audited);

        writer.WriteStartArray("covered");
        foreach (var run in partition.Covered)
        {
            writer.WriteStartObject();
            WriteBounds(writer, run.FirstOffset, run.LastOffset);
            writer.WriteBoolean("empty", run.Empty);
            writer.WriteStartArray("blocks");
            foreach (var block in run.Blocks)
            {
                WriteBlock(writer, block);
            }
            writer.WriteEndArray();
            writer.WriteNumber("otherTenantBlocks", run.OtherTenantBlocks);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();

        writer.WriteStartArray("gaps");
        foreach (var gap in partition.Gaps)
        {
            writer.WriteStartObject();
            WriteBounds(writer, gap.FirstOffset, gap.LastOffset);
            writer.WriteStartArray("compactedBlocks");
            foreach (var block in gap.CompactedBlocks)
            {
                WriteBlock(writer, block);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();

        writer.WriteStartArray("overlaps");
        foreach (var overlap in partition.Overlaps)
        {
            writer.WriteStartObject();
            writer.WriteString("tenant", overlap.Tenant);
            WriteBounds(writer, overlap.FirstOffset, overlap.LastOffset);
            writer.WriteStartArray("blockIds");
            foreach (var id in overlap.BlockIds)
            {
                writer.WriteStringValue(id.ToString("D"));
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();

        WriteRange(writer, "notYetFlushed", partition.NotYetFlushed);
        writer.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter writer, LineageBlockRef block)
    {
        writer.WriteStartObject();
        writer.WriteString("tenant", block.Tenant);
        writer.WriteString("blockId", block.BlockId.ToString("D"));
        writer.WriteBoolean("compacted", block.Compacted);
        writer.WriteEndObject();
    }

    private static void WriteRange(Utf8JsonWriter writer, string name, OffsetRange? range)
    {
        if (range is not { } value)
        {
            writer.WriteNull(name);
            return;
        }
        writer.WriteStartObject(name);
        WriteBounds(writer, value.FirstOffset, value.LastOffset);
        writer.WriteEndObject();
    }

    private static void WriteBounds(Utf8JsonWriter writer, long first, long last)
    {
        writer.WriteNumber("firstOffset", first);
        writer.WriteNumber("lastOffset", last);
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
