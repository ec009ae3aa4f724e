using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// The embedded segment log of single-binary mode (ARCHITECTURE.md §3 "Embedded log"): a folder per partition of
/// append-only segment files with CRC32C-framed records, group-committed appends acknowledged after fsync, sparse
/// offset/time indexes, atomic committed offsets per consumer group, retention by size and age, and recovery that
/// cuts a torn tail at the last valid record.
/// <code>
/// &lt;path&gt;/log.json                     topic and partition count, fixed at creation
/// &lt;path&gt;/.lock                        held by the one writer
/// &lt;path&gt;/&lt;partition&gt;/&lt;base offset&gt;.log    records, e.g. 0/00000000000000000000.log
/// &lt;path&gt;/&lt;partition&gt;/&lt;base offset&gt;.index  sparse offset → position and time index
/// &lt;path&gt;/offsets/&lt;group&gt;.json          committed offsets of one consumer group
/// </code>
/// </summary>
public sealed class EmbeddedIngestLog : IIngestLog
{
    /// <summary>Kafka's <c>log.retention.check.interval.ms</c> default; retention also runs whenever a segment rolls.</summary>
    private static readonly TimeSpan RetentionCheckInterval = TimeSpan.FromMinutes(5);

    /// <summary>Smallest accepted SegmentBytes: tiny segments are useful in tests, but must hold a record or two.</summary>
    private const long MinSegmentBytes = 1024;

    private readonly PartitionLog[] _partitions;
    private readonly CommittedOffsetStore _offsets;
    private readonly LogDirectoryLock? _lock;
    private readonly ILogger _logger;
    private readonly Timer? _retentionTimer;
    private int _disposed;

    private EmbeddedIngestLog(string path, string topic, PartitionLog[] partitions, CommittedOffsetStore offsets,
        LogDirectoryLock? directoryLock, ILogger logger)
    {
        Path = path;
        Topic = topic;
        _partitions = partitions;
        _offsets = offsets;
        _lock = directoryLock;
        _logger = logger;
        if (directoryLock is not null)
        {
            _retentionTimer = new Timer(static state => ((EmbeddedIngestLog)state!).RunScheduledRetention(), this,
                RetentionCheckInterval, RetentionCheckInterval);
        }
    }

    /// <summary>Root folder of the log.</summary>
    public string Path { get; }

    public string Topic { get; }

    public int PartitionCount => _partitions.Length;

    /// <summary>True for a view opened with <see cref="OpenReadOnly"/>.</summary>
    public bool IsReadOnly => _lock is null;

    /// <summary>
    /// Opens the log for writing, creating it when the folder holds none, and recovers every partition. Fails with a
    /// clear message when another writer holds the folder or when the partition count or topic differ from the ones
    /// the log was created with.
    /// </summary>
    public static EmbeddedIngestLog Open(EmbeddedLogOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        logger ??= NullLogger.Instance;
        string root = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(root);
        LogDirectoryLock directoryLock = LogDirectoryLock.Acquire(root);
        var partitions = new List<PartitionLog>();
        try
        {
            LogManifest? manifest = LogManifest.TryRead(root);
            if (manifest is null)
            {
                manifest = new LogManifest { Topic = options.Topic, Partitions = options.Partitions, CreatedAt = DateTimeOffset.UtcNow };
                manifest.Write(root);
            }
            else if (manifest.Partitions != options.Partitions)
            {
                throw new InvalidOperationException(
                    $"embedded ingest log '{root}' was created with {manifest.Partitions} partitions but the configuration asks for " +
                    $"{options.Partitions}. The partition count of a log cannot change (trace placement depends on it); set " +
                    $"partitions to {manifest.Partitions} or point the log at an empty folder.");
            }
            else if (!string.Equals(manifest.Topic, options.Topic, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"embedded ingest log '{root}' holds topic '{manifest.Topic}' but the configuration names topic '{options.Topic}'. " +
                    "Blocks record the topic in their lineage, so it cannot change; use the same topic or an empty folder.");
            }
            CommittedOffsetStore offsets = CommittedOffsetStore.Open(root, readOnly: false);
            for (int p = 0; p < manifest.Partitions; p++)
            {
                partitions.Add(PartitionLog.Open(p, root, options, readOnly: false, logger));
            }
            DurableFile.FlushDirectory(root);
            var log = new EmbeddedIngestLog(root, manifest.Topic, partitions.ToArray(), offsets, directoryLock, logger);
            LogMessages.Opened(logger, root, manifest.Topic, manifest.Partitions, readOnly: false);
            return log;
        }
        catch
        {
            foreach (PartitionLog partition in partitions)
            {
                partition.Dispose();
            }
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing log for inspection only: no lock, no recovery writes, no truncation, no retention. It works
    /// while a server has the log open, sees what that server has made durable (every query looks at the files
    /// again), and stops at an incomplete or invalid tail instead of repairing it.
    /// </summary>
    public static EmbeddedIngestLog OpenReadOnly(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        logger ??= NullLogger.Instance;
        string root = System.IO.Path.GetFullPath(path);
        LogManifest manifest = LogManifest.TryRead(root)
            ?? throw new DirectoryNotFoundException($"'{root}' holds no embedded ingest log ({LogManifest.FileName} not found)");
        var options = new EmbeddedLogOptions { Path = root, Topic = manifest.Topic, Partitions = manifest.Partitions };
        var partitions = new List<PartitionLog>();
        try
        {
            for (int p = 0; p < manifest.Partitions; p++)
            {
                partitions.Add(PartitionLog.Open(p, root, options, readOnly: true, logger));
            }
        }
        catch
        {
            foreach (PartitionLog partition in partitions)
            {
                partition.Dispose();
            }
            throw;
        }
        LogMessages.Opened(logger, root, manifest.Topic, manifest.Partitions, readOnly: true);
        return new EmbeddedIngestLog(root, manifest.Topic, partitions.ToArray(), CommittedOffsetStore.Open(root, readOnly: true), null, logger);
    }

    private static void Validate(EmbeddedLogOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("ingest.embedded.path must name a folder", nameof(options));
        }
        if (string.IsNullOrEmpty(options.Topic))
        {
            throw new ArgumentException("ingest.embedded.topic must not be empty", nameof(options));
        }
        if (options.Partitions <= 0)
        {
            throw new ArgumentException($"ingest.embedded.partitions must be positive, got {options.Partitions}", nameof(options));
        }
        if (options.SegmentBytes < MinSegmentBytes)
        {
            throw new ArgumentException($"ingest.embedded.segment_bytes must be at least {MinSegmentBytes}, got {options.SegmentBytes}", nameof(options));
        }
        if (options.RetentionBytes < 0)
        {
            throw new ArgumentException($"ingest.embedded.retention_bytes must be >= 0 (0 = unlimited), got {options.RetentionBytes}", nameof(options));
        }
        if (options.RetentionPeriod < TimeSpan.Zero)
        {
            throw new ArgumentException($"ingest.embedded.retention_period must be >= 0 (0 = unlimited), got {options.RetentionPeriod}", nameof(options));
        }
    }

    public ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        PartitionLog log = Partition(partition);
        if (log.ReadOnly)
        {
            throw new InvalidOperationException($"embedded ingest log '{Path}' is open read-only; appends need EmbeddedIngestLog.Open");
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return new ValueTask<long[]>([]);
        }
        for (int i = 0; i < records.Count; i++)
        {
            IngestRecord record = records[i];
            if ((long)RecordFormat.Overhead + record.Key.Length + record.Value.Length > RecordFormat.MaxRecordSize)
            {
                throw new ArgumentException(
                    $"record {i} is {record.Key.Length + record.Value.Length} bytes; the embedded ingest log accepts records up to " +
                    $"{RecordFormat.MaxRecordSize - RecordFormat.Overhead} bytes", nameof(records));
            }
        }
        // Once queued, an append is not withdrawn on cancellation: it may already be on disk, and the group's fsync
        // bounds the wait.
        return log.AppendAsync(records);
    }

    public ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromOffset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        PartitionLog log = Partition(partition);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<LogRecord>>(log.Read(fromOffset, maxRecords, maxBytes));
    }

    public ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken) =>
        new(Partition(partition).LogStartOffset);

    public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken) =>
        new(Partition(partition).HighWatermark);

    public ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);
        PartitionLog log = Partition(partition);
        if (log.ReadOnly)
        {
            throw new InvalidOperationException($"embedded ingest log '{Path}' is open read-only; commits need EmbeddedIngestLog.Open");
        }
        return _offsets.CommitAsync(group, partition, nextOffset, cancellationToken);
    }

    public ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        Partition(partition);
        return new ValueTask<long?>(_offsets.Get(group, partition));
    }

    public ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
        new(Partition(partition).OffsetForTimestamp(timestamp.ToUnixTimeMilliseconds()));

    /// <summary>Offsets, size, segment count and time range of one partition (for inspection and tests).</summary>
    public EmbeddedPartitionStats GetPartitionStats(int partition) => Partition(partition).GetStats();

    /// <summary>Every consumer group's committed offsets (next offset to consume, by partition), sorted by group.</summary>
    public IReadOnlyList<(string Group, IReadOnlyDictionary<int, long> Offsets)> GetCommittedOffsets()
    {
        ThrowIfDisposed();
        return _offsets.List();
    }

    /// <summary>
    /// Runs retention on every partition now (it also runs every 5 minutes and whenever a segment rolls); returns the
    /// number of segments deleted.
    /// </summary>
    public int ApplyRetention(DateTimeOffset? now = null)
    {
        ThrowIfDisposed();
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"embedded ingest log '{Path}' is open read-only; retention needs EmbeddedIngestLog.Open");
        }
        int deleted = 0;
        foreach (PartitionLog partition in _partitions)
        {
            deleted += partition.ApplyRetention(now ?? DateTimeOffset.UtcNow);
        }
        return deleted;
    }

    private void RunScheduledRetention()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        foreach (PartitionLog partition in _partitions)
        {
            try
            {
                partition.ApplyRetention(DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                LogMessages.RetentionFailed(_logger, e, partition.Id);
            }
        }
    }

    private PartitionLog Partition(int partition)
    {
        ThrowIfDisposed();
        if ((uint)partition >= (uint)_partitions.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition,
                $"partition must be in [0, {_partitions.Length}) for embedded ingest log '{Path}'");
        }
        return _partitions[partition];
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>
    /// Stops accepting appends, lets every partition's writer finish (and fsync) what is already queued, then closes
    /// the files and releases the folder lock.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_retentionTimer is not null)
        {
            await _retentionTimer.DisposeAsync().ConfigureAwait(false);
        }
        foreach (PartitionLog partition in _partitions)
        {
            partition.BeginStop();
        }
        foreach (PartitionLog partition in _partitions)
        {
            await partition.WriterStopped.ConfigureAwait(false);
        }
        foreach (PartitionLog partition in _partitions)
        {
            partition.Dispose();
        }
        _lock?.Dispose();
        LogMessages.Closed(_logger, Path);
    }
}
