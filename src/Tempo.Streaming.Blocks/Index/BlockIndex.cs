using System.Text.Json;

namespace Tempo.Streaming.Blocks.Index;

/// <summary>
/// A block's <c>index</c> object (Tempo tempodb/encoding/vparquet4/index.go): JSON <c>{"rowGroups": [base64 ID, ...]}</c>
/// holding, for each row group in order, the LAST (largest) trace ID in it. Rows are sorted by trace ID, so a lookup
/// binary-searches this list and opens one row group.
/// </summary>
public sealed class BlockIndex
{
    private readonly List<byte[]> _rowGroups;

    public BlockIndex()
    {
        _rowGroups = [];
    }

    /// <param name="rowGroupMaxTraceIds">Each row group's largest trace ID, in row-group order (ascending).</param>
    public BlockIndex(IEnumerable<byte[]> rowGroupMaxTraceIds)
    {
        ArgumentNullException.ThrowIfNull(rowGroupMaxTraceIds);
        _rowGroups = [];
        foreach (var id in rowGroupMaxTraceIds)
        {
            AddRowGroup(id);
        }
    }

    /// <summary>Each row group's largest trace ID, in row-group order.</summary>
    public IReadOnlyList<byte[]> RowGroups => _rowGroups;

    /// <summary>Appends the next row group's largest trace ID; IDs must not decrease (rows are sorted by trace ID).</summary>
    public void AddRowGroup(ReadOnlySpan<byte> maxTraceId)
    {
        if (maxTraceId.IsEmpty)
        {
            throw new ArgumentException("a row group's max trace ID cannot be empty", nameof(maxTraceId));
        }

        if (_rowGroups.Count > 0 && maxTraceId.SequenceCompareTo(_rowGroups[^1]) < 0)
        {
            throw new ArgumentException(
                $"row group {_rowGroups.Count}'s max trace ID {Convert.ToHexStringLower(maxTraceId)} is below the previous row group's " +
                $"{Convert.ToHexStringLower(_rowGroups[^1])}; rows must be sorted by trace ID", nameof(maxTraceId));
        }

        _rowGroups.Add(maxTraceId.ToArray());
    }

    /// <summary>
    /// The first row group whose largest ID is ≥ <paramref name="traceId"/> (byte-wise comparison, as Go's
    /// <c>bytes.Compare</c>), or -1 when the ID is beyond every row group — the only case where absence is certain.
    /// </summary>
    public int FindRowGroup(ReadOnlySpan<byte> traceId)
    {
        int low = 0, high = _rowGroups.Count;
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (traceId.SequenceCompareTo(_rowGroups[mid]) <= 0)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low < _rowGroups.Count ? low : -1;
    }

    /// <summary>The UTF-8 JSON Tempo writes: <c>{"rowGroups":["base64",...]}</c>.</summary>
    public byte[] Serialize()
    {
        using var buffer = new MemoryStream(32 + _rowGroups.Count * 28);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("rowGroups");
            foreach (var id in _rowGroups)
            {
                writer.WriteBase64StringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <exception cref="BlockIndexException">Invalid JSON, a missing or malformed <c>rowGroups</c>, or unsorted IDs.</exception>
    public static BlockIndex Parse(ReadOnlySpan<byte> json, string keyForErrors)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new BlockIndexException($"{keyForErrors}: block index is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new BlockIndexException($"{keyForErrors}: block index must be a JSON object, found {root.ValueKind}");
            }

            var index = new BlockIndex();
            // Go's json.Marshal writes a block with no row groups as "rowGroups": null.
            if (!root.TryGetProperty("rowGroups", out var rowGroups) || rowGroups.ValueKind == JsonValueKind.Null)
            {
                return index;
            }

            if (rowGroups.ValueKind != JsonValueKind.Array)
            {
                throw new BlockIndexException($"{keyForErrors}: block index rowGroups must be an array, found {rowGroups.ValueKind}");
            }

            var position = 0;
            foreach (var element in rowGroups.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String || !element.TryGetBytesFromBase64(out var id) || id.Length == 0)
                {
                    throw new BlockIndexException(
                        $"{keyForErrors}: block index rowGroups[{position}] is not a base64 trace ID: {element.GetRawText()}");
                }

                if (index._rowGroups.Count > 0 && id.AsSpan().SequenceCompareTo(index._rowGroups[^1]) < 0)
                {
                    throw new BlockIndexException($"{keyForErrors}: block index rowGroups[{position}] is below the previous entry; the index is corrupt");
                }

                index._rowGroups.Add(id);
                position++;
            }

            return index;
        }
    }
}

/// <summary>A block <c>index</c> object that cannot be used.</summary>
public sealed class BlockIndexException : Exception
{
    public BlockIndexException(string message) : base(message) { }
    public BlockIndexException(string message, Exception inner) : base(message, inner) { }
}
