using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// One partition of the embedded log: an ordered run of segments, the last one active. Split by concern:
/// recovery and state here, the group-commit writer in <c>PartitionLog.Append.cs</c>, reads and timestamp lookups in
/// <c>PartitionLog.Read.cs</c>, retention in <c>PartitionLog.Retention.cs</c>.
/// </summary>
internal sealed partial class PartitionLog : IDisposable
{
    private readonly EmbeddedLogOptions _options;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _partitionTag;

    // Replaced (never mutated) under _segmentsLock when the writer rolls, retention deletes, or a read-only view
    // refreshes; readers take the current array without locking.
    private volatile Segment[] _segments;
    private readonly Lock _segmentsLock = new();

    private PartitionLog(int id, string directory, EmbeddedLogOptions options, bool readOnly, ILogger logger, Segment[] segments)
    {
        Id = id;
        Directory = directory;
        _options = options;
        ReadOnly = readOnly;
        _logger = logger;
        _segments = segments;
        _partitionTag = new KeyValuePair<string, object?>("partition", id.ToString(CultureInfo.InvariantCulture));
    }

    public int Id { get; }

    public string Directory { get; }

    public bool ReadOnly { get; }

    public static string DirectoryName(int partition) => partition.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Opens (or creates) a partition folder. The writer validates every segment's tail record by record and cuts
    /// an invalid tail at the last valid record — reporting it, never failing — because a crash mid-write leaves
    /// exactly such a tail and refusing to start would turn one torn write into an outage. A read-only view leaves
    /// the files untouched and only stops reading at the first invalid record.
    /// </summary>
    public static PartitionLog Open(int id, string root, EmbeddedLogOptions options, bool readOnly, ILogger logger)
    {
        string directory = Path.Combine(root, DirectoryName(id));
        if (!readOnly)
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        var segments = new List<Segment>();
        try
        {
            foreach (long baseOffset in ListBaseOffsets(directory))
            {
                segments.Add(OpenSegment(id, directory, baseOffset, readOnly, logger));
            }
            if (segments.Count == 0)
            {
                if (readOnly)
                {
                    throw new InvalidDataException($"partition folder '{directory}' of the embedded ingest log has no segment files");
                }
                segments.Add(Segment.Create(directory, 0));
                DurableFile.FlushDirectory(directory);
            }
            CheckContinuity(id, directory, segments, logger);
        }
        catch
        {
            foreach (Segment segment in segments)
            {
                segment.Dispose();
            }
            throw;
        }
        var partition = new PartitionLog(id, directory, options, readOnly, logger, segments.ToArray());
        if (!readOnly)
        {
            partition.StartWriter();
        }
        return partition;
    }

    private static List<long> ListBaseOffsets(string directory)
    {
        var offsets = new List<long>();
        if (!System.IO.Directory.Exists(directory))
        {
            return offsets;
        }
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "*" + Segment.LogExtension))
        {
            if (Segment.TryParseBaseOffset(Path.GetFileName(path), out long baseOffset))
            {
                offsets.Add(baseOffset);
            }
        }
        offsets.Sort();
        return offsets;
    }

    private static Segment OpenSegment(int id, string directory, long baseOffset, bool readOnly, ILogger logger)
    {
        string path = Path.Combine(directory, Segment.FileNameFor(baseOffset));
        var segment = Segment.Open(path, baseOffset, writable: !readOnly, out ScanResult scan, out bool indexRebuilt);
        if (readOnly)
        {
            return segment;
        }
        if (scan.DroppedBytes > 0)
        {
            segment.TruncateTo(scan.ValidEnd);
            LogMessages.TruncatedTail(logger, id, segment.FileName, scan.ValidEnd, scan.Reason ?? "invalid record",
                scan.DroppedBytes, segment.NextOffset);
            EmbeddedLogMetrics.RecoveredTruncatedBytes.Add(scan.DroppedBytes,
                new KeyValuePair<string, object?>("partition", id.ToString(CultureInfo.InvariantCulture)));
        }
        else
        {
            segment.Index.Persist();
        }
        if (indexRebuilt && segment.NextOffset > baseOffset)
        {
            LogMessages.IndexRebuilt(logger, id, segment.FileName);
        }
        return segment;
    }

    /// <summary>
    /// Segments must cover increasing offsets. A gap (a sealed segment whose tail was cut) is reported and skipped
    /// by reads; an overlap cannot come from a torn write and would make offsets ambiguous, so it stops the open
    /// with the names of the files involved.
    /// </summary>
    private static void CheckContinuity(int id, string directory, List<Segment> segments, ILogger logger)
    {
        for (int i = 0; i + 1 < segments.Count; i++)
        {
            long next = segments[i].NextOffset;
            long following = segments[i + 1].BaseOffset;
            if (next > following)
            {
                throw new InvalidDataException(
                    $"embedded ingest log partition folder '{directory}': segment {segments[i].FileName} holds offsets up to " +
                    $"{next - 1}, which overlap segment {segments[i + 1].FileName}; the folder was modified outside the log");
            }
            if (next < following)
            {
                LogMessages.OffsetGap(logger, id, next, following);
            }
        }
    }

    /// <summary>Offset of the oldest retained record.</summary>
    public long LogStartOffset
    {
        get
        {
            RefreshIfReadOnly();
            return _segments[0].BaseOffset;
        }
    }

    /// <summary>Offset the next append gets; everything below is durable.</summary>
    public long HighWatermark
    {
        get
        {
            RefreshIfReadOnly();
            Segment[] segments = _segments;
            return segments[^1].NextOffset;
        }
    }

    public EmbeddedPartitionStats GetStats()
    {
        RefreshIfReadOnly();
        Segment[] segments = _segments;
        long bytes = 0;
        long newest = long.MinValue;
        foreach (Segment segment in segments)
        {
            bytes += segment.End;
            newest = Math.Max(newest, segment.MaxTimestamp);
        }
        long start = segments[0].BaseOffset;
        long highWatermark = segments[^1].NextOffset;
        long records = 0;
        foreach (Segment segment in segments)
        {
            records += segment.NextOffset - segment.BaseOffset;
        }
        DateTimeOffset? oldest = null;
        IReadOnlyList<LogRecord> first = Read(start, 1, 1);
        if (first.Count > 0)
        {
            oldest = first[0].Timestamp;
        }
        return new EmbeddedPartitionStats(Id, start, highWatermark, records, bytes, segments.Length, oldest,
            newest == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(newest));
    }

    /// <summary>
    /// A read-only view follows a live writer: new segment files appear, retention removes old ones, and the active
    /// segment grows. Each query re-lists the folder and scans only the bytes added since the last look.
    /// </summary>
    private void RefreshIfReadOnly()
    {
        if (!ReadOnly)
        {
            return;
        }
        lock (_segmentsLock)
        {
            Segment[] current = _segments;
            List<long> baseOffsets = ListBaseOffsets(Directory);
            var refreshed = new List<Segment>(baseOffsets.Count);
            var kept = new HashSet<Segment>();
            foreach (long baseOffset in baseOffsets)
            {
                Segment? existing = Array.Find(current, s => s.BaseOffset == baseOffset);
                if (existing is not null)
                {
                    existing.CatchUp();
                    kept.Add(existing);
                    refreshed.Add(existing);
                    continue;
                }
                try
                {
                    refreshed.Add(OpenSegment(Id, Directory, baseOffset, readOnly: true, _logger));
                }
                catch (FileNotFoundException)
                {
                    // deleted by the writer's retention between listing and opening
                }
            }
            if (refreshed.Count == 0)
            {
                return; // keep the last known view rather than an empty partition
            }
            _segments = refreshed.ToArray();
            foreach (Segment segment in current)
            {
                if (!kept.Contains(segment))
                {
                    segment.Dispose();
                }
            }
        }
    }

    public void Dispose()
    {
        StopWriter();
        foreach (Segment segment in _segments)
        {
            if (!ReadOnly)
            {
                segment.Index.Persist();
            }
            segment.Dispose();
        }
    }

    private static double ElapsedSeconds(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}

/// <summary>What <c>tempo-streaming-cli log stats</c> shows for a partition.</summary>
public sealed record EmbeddedPartitionStats(
    int Partition,
    long LogStartOffset,
    long HighWatermark,
    long Records,
    long Bytes,
    int Segments,
    DateTimeOffset? OldestTimestamp,
    DateTimeOffset? NewestTimestamp);
