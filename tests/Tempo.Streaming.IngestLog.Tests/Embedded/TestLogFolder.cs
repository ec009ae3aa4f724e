using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

/// <summary>A fresh folder under the temp directory for one test's log, deleted afterwards.</summary>
public sealed class TestLogFolder : IDisposable
{
    public TestLogFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tempo-ingest-log-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>
    /// Options for a log in this folder. Uncompressed unless asked: the layout tests count record bytes on disk
    /// (CompressionTests and the contract suite cover the LZ4 default).
    /// </summary>
    public EmbeddedLogOptions Options(int partitions = 2, LogCompression compression = LogCompression.None) =>
        new() { Path = Path, Partitions = partitions, Compression = compression };

    public string PartitionFolder(int partition) => System.IO.Path.Combine(Path, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string[] SegmentFiles(int partition) =>
        Directory.GetFiles(PartitionFolder(partition), "*.log").Select(System.IO.Path.GetFileName).Order().ToArray()!;

    public string LastSegment(int partition) => System.IO.Path.Combine(PartitionFolder(partition), SegmentFiles(partition)[^1]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp folder must not fail the test
        }
    }
}

/// <summary>Collects log lines so tests can assert what the log reported.</summary>
public sealed class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, EventId Event, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToArray();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception)));
        }
    }
}
