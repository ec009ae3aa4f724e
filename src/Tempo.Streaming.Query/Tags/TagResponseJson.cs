using System.Buffers;
using System.Text.Json;
using Tempo.Streaming.Query.Json;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// Writes the tag responses as Tempo's frontend does (gogo <c>jsonpb.Marshaler</c> with default options): proto field
/// order, lowerCamel names, uint64 as strings, zero values and empty lists omitted, and <c>metrics</c> always present
/// (the frontend combiner always sets it, so it is <c>{}</c> when nothing was read).
/// </summary>
public static class TagResponseJson
{
    private static readonly JsonEncodedText InspectedBytes = JsonEncodedText.Encode("inspectedBytes");
    private static readonly JsonEncodedText TotalBlockBytes = JsonEncodedText.Encode("totalBlockBytes");

    public static void WriteSearchTags(IBufferWriter<byte> output, SearchTagsResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var json = TempoJson.CreateWriter(output);
        json.WriteStartObject();
        WriteStrings(json, "tagNames", response.TagNames);
        WriteMetrics(json, response.Metrics);
        json.WriteEndObject();
    }

    public static void WriteSearchTagsV2(IBufferWriter<byte> output, SearchTagsV2Response response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var json = TempoJson.CreateWriter(output);
        json.WriteStartObject();
        if (response.Scopes.Count > 0)
        {
            json.WriteStartArray("scopes");
            foreach (var scope in response.Scopes)
            {
                json.WriteStartObject();
                if (scope.Name.Length > 0)
                {
                    json.WriteString("name", scope.Name);
                }

                WriteStrings(json, "tags", scope.Tags);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        WriteMetrics(json, response.Metrics);
        json.WriteEndObject();
    }

    public static void WriteSearchTagValues(IBufferWriter<byte> output, SearchTagValuesResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var json = TempoJson.CreateWriter(output);
        json.WriteStartObject();
        WriteStrings(json, "tagValues", response.TagValues);
        WriteMetrics(json, response.Metrics);
        json.WriteEndObject();
    }

    public static void WriteSearchTagValuesV2(IBufferWriter<byte> output, SearchTagValuesV2Response response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var json = TempoJson.CreateWriter(output);
        json.WriteStartObject();
        if (response.TagValues.Count > 0)
        {
            json.WriteStartArray("tagValues");
            foreach (var value in response.TagValues)
            {
                json.WriteStartObject();
                if (value.Type.Length > 0)
                {
                    json.WriteString("type", value.Type);
                }

                if (value.Value.Length > 0)
                {
                    json.WriteString("value", value.Value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        WriteMetrics(json, response.Metrics);
        json.WriteEndObject();
    }

    /// <summary>
    /// The <c>Accept: application/vnd.grafana.llm</c> form of the v2 tag values (Tempo's <c>llmMarshaler</c>): values grouped
    /// by type under <c>tagValues</c> (types in key order, as Go's encoding/json sorts map keys), and a <c>metrics</c>
    /// object with plain numbers that is left out when every counter is zero.
    /// </summary>
    public static void WriteSearchTagValuesV2Llm(IBufferWriter<byte> output, SearchTagValuesV2Response response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var byType = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var value in response.TagValues)
        {
            if (!byType.TryGetValue(value.Type, out var list))
            {
                list = [];
                byType.Add(value.Type, list);
            }

            list.Add(value.Value);
        }

        using var json = TempoJson.CreateWriter(output);
        json.WriteStartObject();
        json.WriteStartObject("tagValues");
        foreach (var (type, values) in byType)
        {
            json.WriteStartArray(type);
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        var metrics = response.Metrics;
        if (metrics is not null && (metrics.InspectedBytes > 0 || metrics.TotalJobs > 0 || metrics.CompletedJobs > 0
            || metrics.TotalBlocks > 0 || metrics.TotalBlockBytes > 0))
        {
            json.WriteStartObject("metrics");
            WriteNonZero(json, "inspectedBytes", metrics.InspectedBytes);
            WriteNonZero(json, "totalJobs", metrics.TotalJobs);
            WriteNonZero(json, "completedJobs", metrics.CompletedJobs);
            WriteNonZero(json, "totalBlocks", metrics.TotalBlocks);
            WriteNonZero(json, "totalBlockBytes", metrics.TotalBlockBytes);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteMetrics(Utf8JsonWriter json, MetadataMetrics? metrics)
    {
        if (metrics is null)
        {
            return;
        }

        json.WriteStartObject("metrics");
        if (metrics.InspectedBytes != 0)
        {
            TempoJson.WriteUInt64String(json, InspectedBytes, metrics.InspectedBytes);
        }

        if (metrics.TotalJobs != 0)
        {
            json.WriteNumber("totalJobs", metrics.TotalJobs);
        }

        if (metrics.CompletedJobs != 0)
        {
            json.WriteNumber("completedJobs", metrics.CompletedJobs);
        }

        if (metrics.TotalBlocks != 0)
        {
            json.WriteNumber("totalBlocks", metrics.TotalBlocks);
        }

        if (metrics.TotalBlockBytes != 0)
        {
            TempoJson.WriteUInt64String(json, TotalBlockBytes, metrics.TotalBlockBytes);
        }

        json.WriteEndObject();
    }

    private static void WriteNonZero(Utf8JsonWriter json, string name, ulong value)
    {
        if (value != 0)
        {
            json.WriteNumber(name, value);
        }
    }
}
