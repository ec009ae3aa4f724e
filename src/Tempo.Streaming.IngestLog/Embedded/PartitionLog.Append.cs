using System.Buffers;
using System.Diagnostics;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// Group commit: producers enqueue their appends; one writer thread per partition takes everything queued, frames
/// it into one buffer, writes it with one positional write, fsyncs once, publishes the new end, and only then
/// completes the producers' tasks. While an fsync runs the next group gathers, so throughput grows with the number
/// of concurrent producers instead of being capped at one fsync per record (ARCHITECTURE.md §1.1: a push is
/// acknowledged only after the log has durably accepted it).
/// </summary>
internal sealed partial class PartitionLog
{
    /// <summary>Buffers beyond this are returned to the pool after a group rather than kept by the writer.</summary>
    private const int RetainedBufferBytes = 16 * 1024 * 1024;

    // A plain monitor (not System.Threading.Lock): the writer sleeps on it with Monitor.Wait.
    private readonly object _queueLock = new();
    private List<PendingAppend> _queued = new();
    private List<PendingAppend> _group = new();
    private bool _stopping;
    private Thread? _writer;
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Writer-thread state.
    private byte[] _buffer = [];
    private long _nextOffset;
    private Exception? _failure; // set when an fsync failed: the partition refuses further appends

    /// <summary>Set by the writer when it rolled a segment, so retention runs once the group is acknowledged.</summary>
    private bool _rolled;

    private void StartWriter()
    {
        _nextOffset = _segments[^1].NextOffset;
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = $"ingest-log-writer-{Id}" };
        _writer.Start();
    }

    public ValueTask<long[]> AppendAsync(IReadOnlyList<IngestRecord> records)
    {
        // Compressed here, on the producer's thread: producers run in parallel, the writer is one thread per partition.
        var pending = new PendingAppend(records, _options.Compression);
        lock (_queueLock)
        {
            if (_stopping)
            {
                pending.ReturnBuffers();
                throw new ObjectDisposedException(nameof(EmbeddedIngestLog), "the embedded ingest log has been disposed");
            }
            _queued.Add(pending);
            Monitor.Pulse(_queueLock);
        }
        return new ValueTask<long[]>(pending.Task);
    }

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                lock (_queueLock)
                {
                    while (_queued.Count == 0 && !_stopping)
                    {
                        Monitor.Wait(_queueLock);
                    }
                    if (_queued.Count == 0)
                    {
                        return; // stopping and drained: every accepted append has been answered
                    }
                    (_queued, _group) = (_group, _queued);
                }
                CommitGroup(_group);
                _group.Clear();
                if (_buffer.Length > RetainedBufferBytes)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = [];
                }
                if (_rolled)
                {
                    _rolled = false;
                    ApplyRetentionSafely();
                }
            }
        }
        finally
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
            _writerStopped.TrySetResult();
        }
    }

    private void CommitGroup(List<PendingAppend> group)
    {
        if (_failure is not null)
        {
            FailAll(group, new IOException($"partition {Id} of the embedded ingest log stopped accepting appends after a failed fsync; " +
                "restart to recover it from disk", _failure));
            return;
        }
        Segment segment = _segments[^1];
        long segmentStart = segment.End;   // file position of _buffer[0]
        long next = _nextOffset;
        int length = 0;
        long records = 0;
        try
        {
            foreach (PendingAppend pending in group)
            {
                pending.FirstOffset = next;
                IReadOnlyList<IngestRecord> batch = pending.Records;
                for (int i = 0; i < batch.Count; i++)
                {
                    IngestRecord record = batch[i];
                    ReadOnlySpan<byte> value = pending.Stored(i, out byte version);
                    int size = RecordFormat.EncodedSize(record.Key.Length, value.Length);
                    if (segmentStart + length + size > _options.SegmentBytes && segmentStart + length > 0)
                    {
                        // Seal the full segment durably before any record lands in the next one, so segments
                        // always hold a contiguous, fsync'd prefix.
                        WriteAndSync(segment, segmentStart, length, next);
                        segment.Index.Persist();
                        segment = Roll(next);
                        segmentStart = 0;
                        length = 0;
                    }
                    EnsureCapacity(length + size);
                    long timestampMs = record.Timestamp.ToUnixTimeMilliseconds();
                    RecordFormat.Write(_buffer.AsSpan(length, size), version, next, timestampMs, record.Key.Span, value);
                    segment.StageRecord(next, segmentStart + length, timestampMs);
                    length += size;
                    next++;
                    records++;
                }
            }
            WriteAndSync(segment, segmentStart, length, next);
            segment.Index.Persist();
        }
        catch (Exception e)
        {
            // Part of the group may be durable already (a segment sealed before a roll); offsets continue after
            // whatever is on disk, which the contract allows: a faulted append promises nothing either way.
            _nextOffset = _segments[^1].NextOffset;
            EmbeddedLogMetrics.AppendFailures.Add(group.Count, _partitionTag);
            LogMessages.AppendFailed(_logger, e, Id, group.Count);
            FailAll(group, e);
            return;
        }
        _nextOffset = next;
        EmbeddedLogMetrics.AppendedRecords.Add(records, _partitionTag);
        foreach (PendingAppend pending in group)
        {
            pending.Complete();
        }
    }

    /// <summary>Writes the framed records at the segment's end, fsyncs, and publishes them to readers.</summary>
    private void WriteAndSync(Segment segment, long position, int length, long nextOffset)
    {
        if (length == 0)
        {
            return;
        }
        try
        {
            RandomAccess.Write(segment.Handle, new ReadOnlySpan<byte>(_buffer, 0, length), position);
        }
        catch
        {
            // Nothing was acknowledged; cut whatever part of the write landed so the next group starts clean.
            try
            {
                segment.DiscardStaged();
            }
            catch (Exception truncateFailure)
            {
                _failure = truncateFailure; // the segment end is unknown now: refuse appends until reopened
            }
            throw;
        }
        long started = Stopwatch.GetTimestamp();
        try
        {
            RandomAccess.FlushToDisk(segment.Handle);
        }
        catch (Exception e)
        {
            // After a failed fsync the kernel may have dropped the dirty pages and cleared the error
            // (the PostgreSQL "fsyncgate" lesson): a retry could report success for data that is gone. Refuse
            // further appends; reopening recovers the partition from what is really on disk.
            _failure = e;
            segment.Index.DiscardStaged();
            throw;
        }
        EmbeddedLogMetrics.FsyncDuration.Record(ElapsedSeconds(started), _partitionTag);
        EmbeddedLogMetrics.GroupCommits.Add(1, _partitionTag);
        EmbeddedLogMetrics.AppendedBytes.Add(length, _partitionTag);
        segment.Publish(position + length, nextOffset);
    }

    /// <summary>Starts a new active segment at <paramref name="baseOffset"/>.</summary>
    private Segment Roll(long baseOffset)
    {
        Segment created = Segment.Create(Directory, baseOffset);
        DurableFile.FlushDirectory(Directory);
        lock (_segmentsLock)
        {
            Segment[] current = _segments;
            var next = new Segment[current.Length + 1];
            Array.Copy(current, next, current.Length);
            next[^1] = created;
            _segments = next;
        }
        _rolled = true;
        LogMessages.SegmentRolled(_logger, Id, baseOffset);
        return created;
    }

    private void EnsureCapacity(int size)
    {
        if (_buffer.Length >= size)
        {
            return;
        }
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, Math.Max(_buffer.Length * 2, 1024 * 1024)));
        _buffer.AsSpan().CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }

    private static void FailAll(List<PendingAppend> group, Exception error)
    {
        foreach (PendingAppend pending in group)
        {
            pending.Fail(error);
        }
    }

    /// <summary>Stops accepting appends, lets the writer finish everything already queued, and waits for it.</summary>
    private void StopWriter()
    {
        BeginStop();
        _writer?.Join();
    }

    public Task WriterStopped => _writer is null ? Task.CompletedTask : _writerStopped.Task;

    public void BeginStop()
    {
        lock (_queueLock)
        {
            _stopping = true;
            Monitor.Pulse(_queueLock);
        }
    }

    /// <summary>
    /// One producer's append, completed by the writer with the offsets it assigned. Holds each record's value as it
    /// will be stored: LZ4-compressed (into a pooled buffer, returned once the writer has framed it) when the log
    /// compresses and that makes the value smaller, else the producer's own bytes.
    /// </summary>
    private sealed class PendingAppend : TaskCompletionSource<long[]>
    {
        /// <summary>Values shorter than this are stored as they are: too little to gain for the block overhead.</summary>
        private const int MinCompressedValueBytes = 256;

        private readonly byte[]?[]? _compressed;
        private readonly int[]? _compressedLengths;

        public PendingAppend(IReadOnlyList<IngestRecord> records, LogCompression compression)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            Records = records;
            if (compression == LogCompression.Lz4)
            {
                for (int i = 0; i < records.Count; i++)
                {
                    var value = records[i].Value.Span;
                    if (value.Length < MinCompressedValueBytes)
                    {
                        continue;
                    }
                    var buffer = ArrayPool<byte>.Shared.Rent(RecordFormat.Lz4HeaderSize + Lz4Block.Bound(value.Length));
                    int length = RecordFormat.Lz4HeaderSize + Lz4Block.Compress(value, buffer.AsSpan(RecordFormat.Lz4HeaderSize));
                    if (length >= value.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        continue;
                    }
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, value.Length);
                    _compressed ??= new byte[]?[records.Count];
                    _compressedLengths ??= new int[records.Count];
                    _compressed[i] = buffer;
                    _compressedLengths[i] = length;
                }
            }
        }

        public IReadOnlyList<IngestRecord> Records { get; }

        public long FirstOffset { get; set; }

        /// <summary>The value bytes to frame for record <paramref name="index"/>, and the record version they need.</summary>
        public ReadOnlySpan<byte> Stored(int index, out byte version)
        {
            if (_compressed?[index] is { } buffer)
            {
                version = RecordFormat.Lz4Version;
                return buffer.AsSpan(0, _compressedLengths![index]);
            }
            version = RecordFormat.PlainVersion;
            return Records[index].Value.Span;
        }

        public void Complete()
        {
            ReturnBuffers();
            var offsets = new long[Records.Count];
            for (int i = 0; i < offsets.Length; i++)
            {
                offsets[i] = FirstOffset + i;
            }
            TrySetResult(offsets);
        }

        public void Fail(Exception error)
        {
            ReturnBuffers();
            TrySetException(error);
        }

        /// <summary>Gives the compression buffers back to the pool (the values they held are framed or never will be).</summary>
        public void ReturnBuffers()
        {
            if (_compressed is null)
            {
                return;
            }
            for (int i = 0; i < _compressed.Length; i++)
            {
                if (_compressed[i] is { } buffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    _compressed[i] = null;
                }
            }
        }
    }
}
