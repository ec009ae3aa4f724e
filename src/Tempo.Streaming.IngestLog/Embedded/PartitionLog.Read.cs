namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>Reads by offset and the offset-for-timestamp lookup, both driven by the sparse segment indexes.</summary>
internal sealed partial class PartitionLog
{
    /// <summary>Retention may close a segment under a reader; the read then restarts from the new log start.</summary>
    private const int ReadAttempts = 4;

    public IReadOnlyList<LogRecord> Read(long fromOffset, int maxRecords, int maxBytes)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return ReadOnce(fromOffset, maxRecords, maxBytes);
            }
            catch (ObjectDisposedException) when (attempt < ReadAttempts)
            {
            }
        }
    }

    private List<LogRecord> ReadOnce(long fromOffset, int maxRecords, int maxBytes)
    {
        RefreshIfReadOnly();
        Segment[] segments = _segments;
        var records = new List<LogRecord>(Math.Min(maxRecords, 256));
        if (fromOffset < segments[0].BaseOffset)
        {
            fromOffset = segments[0].BaseOffset; // removed by retention: start at the log start, as the contract says
        }
        long bytes = 0;
        for (int i = FindSegment(segments, fromOffset); i < segments.Length; i++)
        {
            Segment segment = segments[i];
            long end = segment.End;
            if (segment.NextOffset <= fromOffset || end == 0)
            {
                continue;
            }
            long position = segment.Index.FloorByOffset(fromOffset).Position;
            using var cursor = new RecordCursor(segment.Handle, position, end, ChunkSizeFor(maxBytes));
            while (cursor.TryNext(out RecordView record))
            {
                if (record.Offset < fromOffset)
                {
                    continue;
                }
                // maxBytes bounds what the caller gets (decompressed), not what the disk holds.
                int size = record.TotalSize - record.ValueLength + record.LogicalValueLength;
                if (records.Count > 0 && bytes + size > maxBytes)
                {
                    return records;
                }
                records.Add(ToLogRecord(cursor.Record, record));
                bytes += size;
                if (records.Count >= maxRecords)
                {
                    return records;
                }
            }
            if (cursor.Stop == CursorStop.Corrupt && !ReadOnly)
            {
                // Below the durable end every record was written, fsync'd and validated at open, so this is damage
                // after the fact (disk or manual edit). Say exactly where rather than returning a silently short read.
                throw new InvalidDataException(
                    $"embedded ingest log partition {Id}: corrupt record in segment {segment.FileName} at byte {cursor.Position}: " +
                    $"{cursor.CorruptReason}");
            }
            if (cursor.Stop != CursorStop.End)
            {
                // Read-only view of a live writer: the rest of this segment is not complete yet.
                return records;
            }
        }
        return records;
    }

    /// <summary>Index of the last segment whose base offset is &lt;= <paramref name="offset"/>.</summary>
    private static int FindSegment(Segment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static int ChunkSizeFor(int maxBytes) =>
        (int)Math.Clamp((long)maxBytes + SegmentIndex.IntervalBytes, 64 * 1024, 4 * 1024 * 1024);

    private LogRecord ToLogRecord(ReadOnlySpan<byte> raw, in RecordView record)
    {
        // Key and value share one array: one allocation per record, owned by the caller.
        var payload = new byte[record.KeyLength + record.LogicalValueLength];
        raw.Slice(record.KeyStart, record.KeyLength).CopyTo(payload);
        var stored = raw.Slice(record.ValueStart, record.ValueLength);
        if (!record.IsCompressed)
        {
            stored.CopyTo(payload.AsSpan(record.KeyLength));
        }
        else if (!Lz4Block.TryDecompress(stored[RecordFormat.Lz4HeaderSize..], payload.AsSpan(record.KeyLength)))
        {
            // The CRC matched, so these are the bytes that were written: they never were a valid block.
            throw new InvalidDataException(
                $"embedded ingest log partition {Id}: the LZ4 value of offset {record.Offset} does not expand to its {record.ExpandedLength} bytes");
        }
        return new LogRecord(Id, record.Offset, DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampMs),
            payload.AsMemory(0, record.KeyLength), payload.AsMemory(record.KeyLength));
    }

    /// <summary>
    /// Kafka's ListOffsets by time: the earliest offset whose timestamp is &gt;= the target. Segments whose newest
    /// record is older are skipped whole; inside the first candidate segment the time index narrows the scan.
    /// </summary>
    public long? OffsetForTimestamp(long timestampMs)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return OffsetForTimestampOnce(timestampMs);
            }
            catch (ObjectDisposedException) when (attempt < ReadAttempts)
            {
            }
        }
    }

    private long? OffsetForTimestampOnce(long timestampMs)
    {
        RefreshIfReadOnly();
        foreach (Segment segment in _segments)
        {
            if (segment.MaxTimestamp < timestampMs)
            {
                continue;
            }
            IndexEntry start = segment.Index.FloorByTimestamp(timestampMs);
            using var cursor = new RecordCursor(segment.Handle, start.Position, segment.End);
            while (cursor.TryNext(out RecordView record))
            {
                if (record.TimestampMs >= timestampMs)
                {
                    return record.Offset;
                }
            }
        }
        return null;
    }
}
