using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// <c>log.json</c> at the root of an embedded log: what the log is, fixed at creation. The partition count cannot
/// change afterwards because the distributor's partition choice (and so where each trace's spans are) depends on
/// it, as it does for a Kafka topic.
/// </summary>
internal sealed record LogManifest
{
    public const string FileName = "log.json";
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")]
    public int Format { get; init; } = CurrentFormat;

    [JsonPropertyName("topic")]
    public required string Topic { get; init; }

    [JsonPropertyName("partitions")]
    public required int Partitions { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static string PathIn(string root) => System.IO.Path.Combine(root, FileName);

    /// <summary>Reads the manifest, or null when the folder holds no log yet.</summary>
    public static LogManifest? TryRead(string root)
    {
        string path = PathIn(root);
        if (!File.Exists(path))
        {
            return null;
        }
        LogManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<LogManifest>(File.ReadAllBytes(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"embedded ingest log manifest '{path}' is not valid JSON: {e.Message}", e);
        }
        if (manifest is null || manifest.Partitions <= 0 || string.IsNullOrEmpty(manifest.Topic))
        {
            throw new InvalidDataException($"embedded ingest log manifest '{path}' must name a topic and a positive partition count");
        }
        if (manifest.Format != CurrentFormat)
        {
            throw new InvalidDataException(
                $"embedded ingest log manifest '{path}' has format {manifest.Format}; this version reads format {CurrentFormat}");
        }
        return manifest;
    }

    public void Write(string root) => DurableFile.WriteAtomically(PathIn(root), JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions));
}
