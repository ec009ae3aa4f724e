namespace Tempo.Streaming.IngestLog;

/// <summary>Settings of the embedded segment log used in single-binary mode (config key <c>ingest.embedded</c>).</summary>
public sealed record EmbeddedLogOptions
{
    /// <summary>Root folder; each partition gets a sub-folder of segment files.</summary>
    public required string Path { get; init; }

    /// <summary>Log name recorded in block lineage; matches the Kafka topic name in distributed mode.</summary>
    public string Topic { get; init; } = "tempo-ingest";

    /// <summary>Number of partitions. Fixed once the log has been created (a mismatch at open is an error).</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>A segment file is rolled once it reaches this size.</summary>
    public long SegmentBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Whole segments are deleted once a partition holds more than this (0 = unlimited).</summary>
    public long RetentionBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Whole segments whose newest record is older than this are deleted (zero = unlimited).</summary>
    public TimeSpan RetentionPeriod { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How record values are stored. LZ4 (the default) writes OTLP spans several times smaller: on a busy single binary
    /// the page-cache copies and fsyncs of the raw bytes cost more CPU than compressing them.
    /// </summary>
    public LogCompression Compression { get; init; } = LogCompression.Lz4;

    public static EmbeddedLogOptions Default(string path) => new() { Path = path };
}

/// <summary>Compression of the embedded log's record values (config <c>ingest.embedded.compression</c>).</summary>
public enum LogCompression
{
    None,
    Lz4,
}
