using System.Text;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

public sealed class SegmentAndRetentionTests : IDisposable
{
    private const int ValueSize = 1000;
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("t");
    private static readonly int RecordSize = RecordFormat.EncodedSize(Key.Length, ValueSize);

    private readonly TestLogFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Segments of exactly four records.</summary>
    private EmbeddedLogOptions SmallSegments => _folder.Options(1) with
    {
        SegmentBytes = 4 * RecordSize,
        RetentionBytes = 0,
        RetentionPeriod = TimeSpan.Zero,
    };

    private static IngestRecord Record(long i, DateTimeOffset timestamp)
    {
        var value = new byte[ValueSize];
        BitConverter.TryWriteBytes(value, i);
        return new IngestRecord(Key, value, timestamp);
    }

    private static async Task AppendAsync(EmbeddedIngestLog log, int count, DateTimeOffset timestamp, int perAppend = 1)
    {
        long next = await log.GetHighWatermarkAsync(0, CancellationToken.None);
        for (int i = 0; i < count; i += perAppend)
        {
            IngestRecord[] batch = Enumerable.Range(0, Math.Min(perAppend, count - i)).Select(j => Record(next + i + j, timestamp)).ToArray();
            await log.AppendAsync(0, batch, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Segments_roll_at_segment_bytes_and_are_named_by_base_offset()
    {
        await using (var log = EmbeddedIngestLog.Open(SmallSegments))
        {
            await AppendAsync(log, 10, DateTimeOffset.UtcNow, perAppend: 3);

            _folder.SegmentFiles(0).Should().Equal(
                "00000000000000000000.log", "00000000000000000004.log", "00000000000000000008.log");
            new FileInfo(Path.Combine(_folder.PartitionFolder(0), "00000000000000000000.log")).Length.Should().Be(4 * RecordSize);
            EmbeddedPartitionStats stats = log.GetPartitionStats(0);
            stats.Segments.Should().Be(3);
            stats.Records.Should().Be(10);
            stats.Bytes.Should().Be(10 * RecordSize);
            IReadOnlyList<LogRecord> all = await log.ReadAsync(0, 2, 100, int.MaxValue, CancellationToken.None);
            all.Select(r => r.Offset).Should().Equal(Enumerable.Range(2, 8).Select(i => (long)i), "reads continue across segments");
            all.Should().OnlyContain(r => BitConverter.ToInt64(r.Value.ToArray(), 0) == r.Offset);
        }

        await using var reopened = EmbeddedIngestLog.Open(SmallSegments);
        (await reopened.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(10);
        (await reopened.AppendAsync(0, [Record(10, DateTimeOffset.UtcNow)], CancellationToken.None)).Should().Equal(10);
        (await reopened.ReadAsync(0, 5, 1, int.MaxValue, CancellationToken.None)).Single().Offset.Should().Be(5);
    }

    [Fact]
    public async Task A_record_larger_than_a_segment_gets_a_segment_of_its_own()
    {
        await using var log = EmbeddedIngestLog.Open(_folder.Options(1) with { SegmentBytes = 2048 });
        await log.AppendAsync(0, [new IngestRecord(Key, new byte[10], DateTimeOffset.UtcNow)], CancellationToken.None);
        await log.AppendAsync(0, [new IngestRecord(Key, new byte[5000], DateTimeOffset.UtcNow)], CancellationToken.None);
        await log.AppendAsync(0, [new IngestRecord(Key, new byte[10], DateTimeOffset.UtcNow)], CancellationToken.None);

        _folder.SegmentFiles(0).Should().Equal("00000000000000000000.log", "00000000000000000001.log", "00000000000000000002.log");
        (await log.ReadAsync(0, 1, 1, 1, CancellationToken.None)).Single().Value.Length.Should().Be(5000);
    }

    [Fact]
    public async Task Retention_by_size_deletes_the_oldest_segments_and_moves_the_log_start()
    {
        var options = SmallSegments with { RetentionBytes = 8 * RecordSize };
        await using var log = EmbeddedIngestLog.Open(options);

        // 22 records = 5 full segments + an active one; retention runs on every roll.
        await AppendAsync(log, 22, DateTimeOffset.UtcNow);
        log.ApplyRetention();

        // Kafka's rule: delete the oldest segment only while what remains is still >= retention bytes.
        _folder.SegmentFiles(0).Should().Equal("00000000000000000012.log", "00000000000000000016.log", "00000000000000000020.log");
        (await log.GetLogStartOffsetAsync(0, CancellationToken.None)).Should().Be(12);
        (await log.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(22);
        IReadOnlyList<LogRecord> fromZero = await log.ReadAsync(0, 0, 100, int.MaxValue, CancellationToken.None);
        fromZero.Select(r => r.Offset).Should().Equal(Enumerable.Range(12, 10).Select(i => (long)i),
            "a read below the log start starts at the log start");
        File.Exists(Path.Combine(_folder.PartitionFolder(0), "00000000000000000000.index")).Should().BeFalse();
        log.GetPartitionStats(0).Records.Should().Be(10);
    }

    [Fact]
    public async Task Retention_by_age_deletes_segments_whose_newest_record_is_too_old()
    {
        var options = SmallSegments with { RetentionPeriod = TimeSpan.FromHours(1) };
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await using var log = EmbeddedIngestLog.Open(options);
        await AppendAsync(log, 8, now.AddHours(-3));   // segments 0 and 4: old
        await AppendAsync(log, 2, now.AddHours(-2));   // segment 8, first half old ...
        await AppendAsync(log, 2, now);                // ... second half new: segment 8 stays
        await AppendAsync(log, 1, now);                // segment 12 (active)

        log.ApplyRetention(now);

        _folder.SegmentFiles(0).Should().Equal("00000000000000000008.log", "00000000000000000012.log");
        (await log.GetLogStartOffsetAsync(0, CancellationToken.None)).Should().Be(8);
        (await log.GetOffsetForTimestampAsync(0, now.AddHours(-10), CancellationToken.None)).Should().Be(8);
        (await log.GetOffsetForTimestampAsync(0, now, CancellationToken.None)).Should().Be(10);
    }

    [Fact]
    public async Task Retention_never_deletes_the_active_segment()
    {
        var options = SmallSegments with { RetentionPeriod = TimeSpan.FromMinutes(1), RetentionBytes = 1 };
        await using var log = EmbeddedIngestLog.Open(options);
        await AppendAsync(log, 6, DateTimeOffset.UtcNow.AddDays(-30));

        log.ApplyRetention();

        _folder.SegmentFiles(0).Should().Equal("00000000000000000004.log");
        (await log.GetLogStartOffsetAsync(0, CancellationToken.None)).Should().Be(4);
        (await log.ReadAsync(0, 0, 100, int.MaxValue, CancellationToken.None)).Select(r => r.Offset).Should().Equal(4, 5);
        (await log.AppendAsync(0, [Record(6, DateTimeOffset.UtcNow)], CancellationToken.None)).Should().Equal(6);
    }

    [Fact]
    public async Task Log_start_survives_reopen_after_retention()
    {
        var options = SmallSegments with { RetentionBytes = 4 * RecordSize };
        await using (var log = EmbeddedIngestLog.Open(options))
        {
            await AppendAsync(log, 13, DateTimeOffset.UtcNow);
            log.ApplyRetention();
        }

        await using var reopened = EmbeddedIngestLog.Open(options);

        (await reopened.GetLogStartOffsetAsync(0, CancellationToken.None)).Should().Be(8);
        (await reopened.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(13);
    }

    [Fact]
    public async Task Offset_for_timestamp_skips_whole_segments()
    {
        DateTimeOffset t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await using var log = EmbeddedIngestLog.Open(SmallSegments);
        for (int i = 0; i < 30; i++)
        {
            await log.AppendAsync(0, [Record(i, t0.AddSeconds(i))], CancellationToken.None);
        }

        for (int i = 0; i < 30; i++)
        {
            (await log.GetOffsetForTimestampAsync(0, t0.AddSeconds(i).AddMilliseconds(-1), CancellationToken.None)).Should().Be(i);
        }
        (await log.GetOffsetForTimestampAsync(0, t0.AddSeconds(30), CancellationToken.None)).Should().BeNull();
    }
}
