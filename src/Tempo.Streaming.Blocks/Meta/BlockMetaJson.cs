using System.Text.Json;

namespace Tempo.Streaming.Blocks.Meta;

/// <summary>
/// Reads and writes <c>meta.json</c> / <c>meta.compacted.json</c> in Tempo's JSON shape (field names and order of
/// Tempo's BlockMeta, RFC 3339 times, base64 IDs, Tempo's short dedicated-column form), so Tempo's tooling reads our
/// blocks and we read Tempo's. Unknown fields are ignored, as Go's encoding/json does.
/// </summary>
public static class BlockMetaJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    /// <summary>The UTF-8 JSON of <c>meta.json</c>.</summary>
    public static byte[] Serialize(BlockMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        using var buffer = new MemoryStream(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteMeta(writer, meta, compactedTime: null);
        }

        return buffer.ToArray();
    }

    /// <summary>The UTF-8 JSON of <c>meta.compacted.json</c>: the meta fields plus <c>compactedTime</c> in one object.</summary>
    public static byte[] SerializeCompacted(CompactedBlockMeta compacted)
    {
        ArgumentNullException.ThrowIfNull(compacted);
        using var buffer = new MemoryStream(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteMeta(writer, compacted.Meta, compacted.CompactedTime);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Parses a <c>meta.json</c>. <paramref name="blockKeyForErrors"/> names the object in messages
    /// (e.g. <c>single-tenant/b27b0e53-.../meta.json</c>).
    /// </summary>
    /// <exception cref="BlockMetaException">Invalid JSON, a missing <c>blockID</c>/<c>tenantID</c>/<c>format</c>, a malformed
    /// field, or a format other than <see cref="BlockMeta.VParquet4"/>.</exception>
    public static BlockMeta Parse(ReadOnlySpan<byte> json, string blockKeyForErrors)
    {
        using var document = ParseDocument(json, blockKeyForErrors);
        return ReadMeta(document.RootElement, blockKeyForErrors, requireSupportedFormat: true);
    }

    /// <summary>Parses a <c>meta.compacted.json</c>; <c>compactedTime</c> is required.</summary>
    /// <exception cref="BlockMetaException">As <see cref="Parse"/>, or a missing/malformed <c>compactedTime</c>.</exception>
    public static CompactedBlockMeta ParseCompacted(ReadOnlySpan<byte> json, string blockKeyForErrors)
    {
        using var document = ParseDocument(json, blockKeyForErrors);
        return ReadCompacted(document.RootElement, blockKeyForErrors, requireSupportedFormat: true);
    }

    internal static JsonDocument ParseDocument(ReadOnlySpan<byte> json, string keyForErrors)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new BlockMetaException($"{keyForErrors}: not valid JSON: {e.Message}", e);
        }
    }

    internal static void WriteMeta(Utf8JsonWriter writer, BlockMeta meta, DateTimeOffset? compactedTime)
    {
        // Field order follows Tempo's struct so files diff cleanly against Tempo-written ones.
        writer.WriteStartObject();
        writer.WriteString("format", meta.Format);
        writer.WriteString("blockID", meta.BlockId.ToString("D"));
        if (meta.MinId is not null)
        {
            writer.WriteBase64String("minID", meta.MinId);
        }

        if (meta.MaxId is not null)
        {
            writer.WriteBase64String("maxID", meta.MaxId);
        }

        writer.WriteString("tenantID", meta.TenantId);
        writer.WriteString("startTime", Rfc3339.Format(meta.StartTime));
        writer.WriteString("endTime", Rfc3339.Format(meta.EndTime));
        writer.WriteNumber("totalObjects", meta.TotalObjects);
        writer.WriteNumber("size", meta.Size);
        writer.WriteNumber("compactionLevel", meta.CompactionLevel);
        writer.WriteString("encoding", meta.Encoding);
        writer.WriteNumber("indexPageSize", meta.IndexPageSize);
        writer.WriteNumber("totalRecords", meta.TotalRecords);
        writer.WriteString("dataEncoding", meta.DataEncoding);
        writer.WriteNumber("bloomShards", meta.BloomShards);
        writer.WriteNumber("footerSize", meta.FooterSize);
        if (meta.DedicatedColumns.Count > 0)
        {
            writer.WriteStartArray("dedicatedColumns");
            foreach (var column in meta.DedicatedColumns)
            {
                WriteDedicatedColumn(writer, column);
            }

            writer.WriteEndArray();
        }

        if (meta.ReplicationFactor != 0)
        {
            writer.WriteNumber("replicationFactor", meta.ReplicationFactor);
        }

        if (meta.Ingest is not null)
        {
            writer.WritePropertyName("ingest");
            WriteLineage(writer, meta.Ingest);
        }

        if (meta.IngestRanges.Count > 0)
        {
            writer.WriteStartArray("ingestRanges");
            foreach (var range in meta.IngestRanges)
            {
                WriteLineage(writer, range);
            }

            writer.WriteEndArray();
        }

        if (compactedTime is { } compacted)
        {
            writer.WriteString("compactedTime", Rfc3339.Format(compacted));
        }

        writer.WriteEndObject();
    }

    private static void WriteDedicatedColumn(Utf8JsonWriter writer, DedicatedColumn column)
    {
        // Tempo's DedicatedColumn.MarshalJSON blanks the defaults (scope span, type string) and omitempty drops them.
        writer.WriteStartObject();
        if (column.Scope != DedicatedColumn.ScopeSpan)
        {
            writer.WriteString("s", column.Scope);
        }

        writer.WriteString("n", column.Name);
        if (column.Type != DedicatedColumn.TypeString)
        {
            writer.WriteString("t", column.Type);
        }

        writer.WriteEndObject();
    }

    private static void WriteLineage(Utf8JsonWriter writer, IngestLineage lineage)
    {
        writer.WriteStartObject();
        writer.WriteString("topic", lineage.Topic);
        writer.WriteNumber("partition", lineage.Partition);
        writer.WriteNumber("firstOffset", lineage.FirstOffset);
        writer.WriteNumber("lastOffset", lineage.LastOffset);
        writer.WriteNumber("records", lineage.Records);
        writer.WriteNumber("spans", lineage.Spans);
        writer.WriteEndObject();
    }

    internal static CompactedBlockMeta ReadCompacted(JsonElement root, string key, bool requireSupportedFormat)
    {
        var meta = ReadMeta(root, key, requireSupportedFormat);
        if (!root.TryGetProperty("compactedTime", out var compactedTime) || compactedTime.ValueKind == JsonValueKind.Null)
        {
            throw new BlockMetaException($"{key}: compacted block meta has no compactedTime");
        }

        return new CompactedBlockMeta { Meta = meta, CompactedTime = ReadTime(compactedTime, key, "compactedTime") };
    }

    internal static BlockMeta ReadMeta(JsonElement root, string key, bool requireSupportedFormat)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new BlockMetaException($"{key}: block meta must be a JSON object, found {root.ValueKind}");
        }

        var format = RequiredString(root, "format", key);
        if (requireSupportedFormat && format != BlockMeta.VParquet4)
        {
            throw new BlockMetaException(
                $"{key}: block format '{format}' is not supported; only {BlockMeta.VParquet4} blocks can be read");
        }

        var blockIdText = RequiredString(root, "blockID", key);
        if (!Guid.TryParseExact(blockIdText, "D", out var blockId))
        {
            throw new BlockMetaException($"{key}: blockID '{blockIdText}' is not a UUID");
        }

        var meta = new BlockMeta
        {
            Format = format,
            BlockId = blockId,
            TenantId = RequiredString(root, "tenantID", key),
            MinId = OptionalBase64(root, "minID", key),
            MaxId = OptionalBase64(root, "maxID", key),
            TotalObjects = OptionalInt64(root, "totalObjects", key),
            Size = OptionalInt64(root, "size", key),
            CompactionLevel = OptionalInt32(root, "compactionLevel", key),
            Encoding = OptionalString(root, "encoding", key) ?? BlockMeta.EncodingNone,
            IndexPageSize = OptionalInt32(root, "indexPageSize", key),
            TotalRecords = OptionalInt32(root, "totalRecords", key),
            DataEncoding = OptionalString(root, "dataEncoding", key) ?? "",
            BloomShards = OptionalInt32(root, "bloomShards", key),
            FooterSize = OptionalInt32(root, "footerSize", key),
            ReplicationFactor = OptionalInt32(root, "replicationFactor", key),
        };

        if (meta.TenantId.Length == 0)
        {
            throw new BlockMetaException($"{key}: tenantID is empty");
        }

        if (root.TryGetProperty("startTime", out var start) && start.ValueKind != JsonValueKind.Null)
        {
            meta.StartTime = ReadTime(start, key, "startTime");
        }

        if (root.TryGetProperty("endTime", out var end) && end.ValueKind != JsonValueKind.Null)
        {
            meta.EndTime = ReadTime(end, key, "endTime");
        }

        if (root.TryGetProperty("dedicatedColumns", out var columns) && columns.ValueKind != JsonValueKind.Null)
        {
            meta.DedicatedColumns = ReadDedicatedColumns(columns, key);
        }

        if (root.TryGetProperty("ingest", out var ingest) && ingest.ValueKind != JsonValueKind.Null)
        {
            meta.Ingest = ReadLineage(ingest, key, "ingest");
        }

        if (root.TryGetProperty("ingestRanges", out var ranges) && ranges.ValueKind != JsonValueKind.Null)
        {
            if (ranges.ValueKind != JsonValueKind.Array)
            {
                throw new BlockMetaException($"{key}: ingestRanges must be an array");
            }

            var list = new List<IngestLineage>(ranges.GetArrayLength());
            foreach (var range in ranges.EnumerateArray())
            {
                list.Add(ReadLineage(range, key, "ingestRanges[]"));
            }

            meta.IngestRanges = list;
        }

        return meta;
    }

    private static List<DedicatedColumn> ReadDedicatedColumns(JsonElement columns, string key)
    {
        if (columns.ValueKind != JsonValueKind.Array)
        {
            throw new BlockMetaException($"{key}: dedicatedColumns must be an array");
        }

        var list = new List<DedicatedColumn>(columns.GetArrayLength());
        foreach (var column in columns.EnumerateArray())
        {
            if (column.ValueKind != JsonValueKind.Object)
            {
                throw new BlockMetaException($"{key}: dedicatedColumns entries must be objects");
            }

            // Tempo's UnmarshalJSON fills the defaults back in: scope span, type string.
            var name = OptionalString(column, "n", key);
            if (string.IsNullOrEmpty(name))
            {
                throw new BlockMetaException($"{key}: a dedicated column has no name (\"n\")");
            }

            var scope = OptionalString(column, "s", key);
            var type = OptionalString(column, "t", key);
            list.Add(new DedicatedColumn(
                string.IsNullOrEmpty(scope) ? DedicatedColumn.ScopeSpan : scope,
                name,
                string.IsNullOrEmpty(type) ? DedicatedColumn.TypeString : type));
        }

        return list;
    }

    private static IngestLineage ReadLineage(JsonElement element, string key, string field)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new BlockMetaException($"{key}: {field} must be an object");
        }

        var topic = OptionalString(element, "topic", key) ??
                    throw new BlockMetaException($"{key}: {field} has no topic");
        return new IngestLineage(
            topic,
            OptionalInt32(element, "partition", key),
            OptionalInt64(element, "firstOffset", key),
            OptionalInt64(element, "lastOffset", key),
            OptionalInt64(element, "records", key),
            OptionalInt64(element, "spans", key));
    }

    internal static DateTimeOffset ReadTime(JsonElement element, string key, string field)
    {
        if (element.ValueKind != JsonValueKind.String || !Rfc3339.TryParse(element.GetString()!, out var value))
        {
            throw new BlockMetaException($"{key}: {field} must be an RFC 3339 time, found {element.GetRawText()}");
        }

        return value;
    }

    private static string RequiredString(JsonElement root, string name, string key)
    {
        var value = OptionalString(root, name, key);
        if (value is null)
        {
            throw new BlockMetaException($"{key}: block meta has no {name}");
        }

        return value;
    }

    private static string? OptionalString(JsonElement root, string name, string key)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new BlockMetaException($"{key}: {name} must be a string, found {element.GetRawText()}");
        }

        return element.GetString();
    }

    private static byte[]? OptionalBase64(JsonElement root, string name, string key)
    {
        var text = OptionalString(root, name, key);
        if (text is null)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new BlockMetaException($"{key}: {name} '{text}' is not base64", e);
        }
    }

    private static long OptionalInt64(JsonElement root, string name, string key)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value))
        {
            throw new BlockMetaException($"{key}: {name} must be an integer, found {element.GetRawText()}");
        }

        return value;
    }

    private static int OptionalInt32(JsonElement root, string name, string key)
    {
        var value = OptionalInt64(root, name, key);
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new BlockMetaException($"{key}: {name} {value} is out of range");
        }

        return (int)value;
    }
}
