namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// Retention by size and age, Kafka's way: only whole segments are deleted, oldest first, never the active one;
/// by size, a segment goes only while the partition still holds at least the retention size without it; by age, a
/// segment goes once its newest record is older than the retention period.
/// </summary>
internal sealed partial class PartitionLog
{
    /// <summary>Deletes what retention allows now; returns the number of segments deleted.</summary>
    public int ApplyRetention(DateTimeOffset now)
    {
        if (ReadOnly)
        {
            throw new InvalidOperationException("retention cannot run on a read-only view of the embedded ingest log");
        }
        var deleted = new List<(Segment Segment, string Reason)>();
        long logStart;
        lock (_segmentsLock)
        {
            Segment[] segments = _segments;
            long total = 0;
            foreach (Segment segment in segments)
            {
                total += segment.End;
            }
            long oldestAllowedMs = _options.RetentionPeriod > TimeSpan.Zero
                ? (now - _options.RetentionPeriod).ToUnixTimeMilliseconds()
                : long.MinValue;
            int remove = 0;
            while (remove < segments.Length - 1)
            {
                Segment candidate = segments[remove];
                string? reason = null;
                if (_options.RetentionBytes > 0 && total - candidate.End >= _options.RetentionBytes)
                {
                    reason = "size";
                }
                else if (candidate.MaxTimestamp < oldestAllowedMs)
                {
                    reason = "age";
                }
                if (reason is null)
                {
                    break; // retention removes a prefix of the log, like Kafka: offsets stay contiguous
                }
                deleted.Add((candidate, reason));
                total -= candidate.End;
                remove++;
            }
            if (remove == 0)
            {
                return 0;
            }
            _segments = segments[remove..];
            logStart = _segments[0].BaseOffset;
        }
        // Readers holding an old array may still be inside a deleted segment: closing its handle makes them retry from
        // the new log start, and unlinking an open file is safe on Unix.
        foreach ((Segment segment, string reason) in deleted)
        {
            long bytes = segment.End;
            segment.Dispose();
            DeleteFile(segment.LogPath);
            DeleteFile(segment.IndexPath);
            EmbeddedLogMetrics.DeletedSegments.Add(1, _partitionTag, new KeyValuePair<string, object?>("reason", reason));
            LogMessages.SegmentDeleted(_logger, Id, segment.FileName, bytes, reason, logStart);
        }
        DurableFile.FlushDirectory(Directory);
        return deleted.Count;
    }

    private void ApplyRetentionSafely()
    {
        try
        {
            ApplyRetention(DateTimeOffset.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogMessages.RetentionFailed(_logger, e, Id);
        }
    }

    private void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogMessages.SegmentFileDeleteFailed(_logger, e, path);
        }
    }
}
