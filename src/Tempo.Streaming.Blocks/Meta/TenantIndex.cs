using System.IO.Compression;
using System.Text.Json;

namespace Tempo.Streaming.Blocks.Meta;

/// <summary>
/// Tempo's per-tenant block list <c>&lt;tenant&gt;/index.json.gz</c> (tempodb/backend/tenantindex.go): gzip of
/// <c>{"created_at": RFC 3339, "meta": [BlockMeta...], "compacted": [CompactedBlockMeta...]}</c>. Queriers poll this one
/// object instead of listing every block.
/// </summary>
public sealed class TenantIndex
{
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Live blocks.</summary>
    public IReadOnlyList<BlockMeta> Metas { get; init; } = [];

    /// <summary>Blocks marked compacted but not yet deleted.</summary>
    public IReadOnlyList<CompactedBlockMeta> CompactedMetas { get; init; } = [];

    /// <summary>The gzip-compressed JSON object to store at <see cref="BlockPaths.TenantIndex"/>.</summary>
    public byte[] Serialize()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new Utf8JsonWriter(gzip))
        {
            writer.WriteStartObject();
            writer.WriteString("created_at", Rfc3339.Format(CreatedAt));
            writer.WriteStartArray("meta");
            foreach (var meta in Metas)
            {
                BlockMetaJson.WriteMeta(writer, meta, compactedTime: null);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("compacted");
            foreach (var compacted in CompactedMetas)
            {
                BlockMetaJson.WriteMeta(writer, compacted.Meta, compacted.CompactedTime);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return compressed.ToArray();
    }

    /// <summary>
    /// Parses a tenant index. Blocks of other formats (e.g. Tempo's vParquet3) are kept, not rejected: one old block
    /// must not make a tenant's whole index unreadable; callers skip formats they cannot open.
    /// </summary>
    /// <exception cref="BlockMetaException">Not gzip, not JSON, or a malformed entry; the message names <paramref name="keyForErrors"/>.</exception>
    public static TenantIndex Parse(ReadOnlySpan<byte> gz, string keyForErrors)
    {
        byte[] json;
        try
        {
            using var input = new MemoryStream(gz.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            json = output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new BlockMetaException($"{keyForErrors}: tenant index is not gzip data: {e.Message}", e);
        }

        using var document = BlockMetaJson.ParseDocument(json, keyForErrors);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new BlockMetaException($"{keyForErrors}: tenant index must be a JSON object, found {root.ValueKind}");
        }

        var createdAt = root.TryGetProperty("created_at", out var created) && created.ValueKind != JsonValueKind.Null
            ? BlockMetaJson.ReadTime(created, keyForErrors, "created_at")
            : default;

        var metas = new List<BlockMeta>();
        foreach (var element in ArrayOrEmpty(root, "meta", keyForErrors))
        {
            metas.Add(BlockMetaJson.ReadMeta(element, keyForErrors, requireSupportedFormat: false));
        }

        var compacted = new List<CompactedBlockMeta>();
        foreach (var element in ArrayOrEmpty(root, "compacted", keyForErrors))
        {
            compacted.Add(BlockMetaJson.ReadCompacted(element, keyForErrors, requireSupportedFormat: false));
        }

        return new TenantIndex { CreatedAt = createdAt, Metas = metas, CompactedMetas = compacted };
    }

    private static IEnumerable<JsonElement> ArrayOrEmpty(JsonElement root, string name, string key)
    {
        // Go marshals an empty slice field as null; treat null and absent as no entries.
        if (!root.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new BlockMetaException($"{key}: tenant index field {name} must be an array, found {array.ValueKind}");
        }

        return array.EnumerateArray();
    }
}
