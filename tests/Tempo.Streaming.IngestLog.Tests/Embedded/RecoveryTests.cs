using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

/// <summary>
/// A crash can leave any suffix of the last write missing or garbled. Reopening must keep every record before it,
/// drop the rest, say so in the log, and continue at the right offset — never refuse to start.
/// </summary>
public sealed class RecoveryTests : IDisposable
{
    private const int Records = 10;
    private const int ValueSize = 100;
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("tenant");
    private static readonly int RecordSize = RecordFormat.EncodedSize(Key.Length, ValueSize);

    private readonly TestLogFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IngestRecord Record(int i) =>
        new(Key, Enumerable.Repeat((byte)i, ValueSize).ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + i));

    private async Task WriteTenRecordsAsync()
    {
        await using var log = EmbeddedIngestLog.Open(_folder.Options(1));
        for (int i = 0; i < Records; i++)
        {
            await log.AppendAsync(0, [Record(i)], CancellationToken.None);
        }
    }

    private async Task AssertRecoveredAtAsync(long validRecords, long droppedBytes)
    {
        var logger = new CapturingLogger();
        await using (var log = EmbeddedIngestLog.Open(_folder.Options(1), logger))
        {
            (await log.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(validRecords);
            IReadOnlyList<LogRecord> read = await log.ReadAsync(0, 0, 1000, int.MaxValue, CancellationToken.None);
            read.Select(r => r.Offset).Should().Equal(Enumerable.Range(0, (int)validRecords).Select(i => (long)i));
            foreach (LogRecord record in read)
            {
                record.Value.ToArray().Should().OnlyContain(b => b == (byte)record.Offset, "values survive intact");
            }

            var warning = logger.Entries.Should().ContainSingle(e => e.Event.Id == 1002).Subject;
            warning.Level.Should().Be(LogLevel.Warning);
            warning.Message.Should().Contain("partition 0").And.Contain("00000000000000000000.log")
                .And.Contain($"truncated {droppedBytes} bytes").And.Contain($"continues at offset {validRecords}");

            long[] next = await log.AppendAsync(0, [Record(77)], CancellationToken.None);
            next.Should().Equal(validRecords);
        }
        new FileInfo(_folder.LastSegment(0)).Length.Should().Be((validRecords + 1) * RecordSize);

        // A second reopen finds nothing more to repair.
        var quiet = new CapturingLogger();
        await using var again = EmbeddedIngestLog.Open(_folder.Options(1), quiet);
        quiet.Entries.Should().NotContain(e => e.Event.Id == 1002);
        (await again.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(validRecords + 1);
        (await again.ReadAsync(0, validRecords, 1, int.MaxValue, CancellationToken.None)).Single().Value.Span[0].Should().Be(77);
    }

    [Fact]
    public async Task File_cut_in_the_middle_of_the_last_record_recovers_at_the_record_before()
    {
        await WriteTenRecordsAsync();
        string segment = _folder.LastSegment(0);
        using (var file = File.OpenWrite(segment))
        {
            file.SetLength(file.Length - (RecordSize / 2));
        }

        await AssertRecoveredAtAsync(Records - 1, RecordSize - (RecordSize / 2));
    }

    [Fact]
    public async Task File_cut_inside_the_length_field_recovers()
    {
        await WriteTenRecordsAsync();
        using (var file = File.OpenWrite(_folder.LastSegment(0)))
        {
            file.SetLength(file.Length - RecordSize + 2);
        }

        await AssertRecoveredAtAsync(Records - 1, 2);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("zeros")]
    [InlineData("huge-length")]
    public async Task Garbage_after_the_last_record_is_dropped(string kind)
    {
        await WriteTenRecordsAsync();
        byte[] garbage = kind switch
        {
            "random" => RandomBytes(37),
            "zeros" => new byte[4096], // what a file system can expose after a crash: size updated, data not
            _ => [0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8],
        };
        await using (var file = new FileStream(_folder.LastSegment(0), FileMode.Append))
        {
            await file.WriteAsync(garbage);
        }

        await AssertRecoveredAtAsync(Records, garbage.Length);
    }

    [Fact]
    public async Task Flipped_byte_in_the_last_records_value_drops_that_record()
    {
        await WriteTenRecordsAsync();
        string segment = _folder.LastSegment(0);
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        bytes[^10] ^= 0x40;
        await File.WriteAllBytesAsync(segment, bytes);

        await AssertRecoveredAtAsync(Records - 1, RecordSize);
    }

    [Fact]
    public async Task Record_written_with_a_wrong_offset_is_treated_as_corrupt()
    {
        await WriteTenRecordsAsync();
        // A valid, CRC-correct record that claims offset 3 where offset 10 belongs (e.g. a stale copy).
        var stale = new byte[RecordSize];
        RecordFormat.Write(stale, RecordFormat.PlainVersion, 3, 0, Key, new byte[ValueSize]);
        await using (var file = new FileStream(_folder.LastSegment(0), FileMode.Append))
        {
            await file.WriteAsync(stale);
        }

        await AssertRecoveredAtAsync(Records, RecordSize);
    }

    [Fact]
    public async Task Recovery_is_counted_in_the_truncated_bytes_metric()
    {
        long truncated = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Tempo.Streaming.IngestLog" && instrument.Name == "tempo_ingest_log_recovered_truncated_bytes_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "partition" && (string?)tag.Value == "0")
                {
                    Interlocked.Add(ref truncated, value);
                }
            }
        });
        listener.Start();
        await WriteTenRecordsAsync();
        await using (var file = new FileStream(_folder.LastSegment(0), FileMode.Append))
        {
            await file.WriteAsync(RandomBytes(123));
        }

        await using var log = EmbeddedIngestLog.Open(_folder.Options(1));

        Interlocked.Read(ref truncated).Should().BeGreaterThanOrEqualTo(123);
    }

    [Fact]
    public async Task Missing_index_is_rebuilt_and_lookups_still_work()
    {
        var options = _folder.Options(1) with { SegmentBytes = 1024 * 1024 };
        await using (var log = EmbeddedIngestLog.Open(options))
        {
            // ~400 kB so the sparse index has entries beyond the first.
            for (int i = 0; i < 100; i++)
            {
                await log.AppendAsync(0, [new IngestRecord(Key, new byte[4000], DateTimeOffset.FromUnixTimeMilliseconds(1000 + i))], CancellationToken.None);
            }
        }
        string index = Path.ChangeExtension(_folder.LastSegment(0), ".index");
        new FileInfo(index).Length.Should().BeGreaterThan(24, "the index holds more than its first entry");
        File.Delete(index);

        var logger = new CapturingLogger();
        await using (var reopened = EmbeddedIngestLog.Open(options, logger))
        {
            logger.Entries.Should().Contain(e => e.Event.Id == 1003);
            (await reopened.ReadAsync(0, 73, 1, int.MaxValue, CancellationToken.None)).Single().Offset.Should().Be(73);
            (await reopened.GetOffsetForTimestampAsync(0, DateTimeOffset.FromUnixTimeMilliseconds(1050), CancellationToken.None)).Should().Be(50);
        }
        File.Exists(index).Should().BeTrue("the rebuilt index is written back");
    }

    [Fact]
    public async Task Short_index_is_completed_from_the_segment()
    {
        var options = _folder.Options(1);
        await using (var log = EmbeddedIngestLog.Open(options))
        {
            for (int i = 0; i < 60; i++)
            {
                await log.AppendAsync(0, [new IngestRecord(Key, new byte[5000], DateTimeOffset.FromUnixTimeMilliseconds(1000 + i))], CancellationToken.None);
            }
        }
        string index = Path.ChangeExtension(_folder.LastSegment(0), ".index");
        long complete = new FileInfo(index).Length;
        using (var file = File.OpenWrite(index))
        {
            file.SetLength(2 * 24 + 5); // two whole entries and a torn third
        }

        await using var reopened = EmbeddedIngestLog.Open(options);

        new FileInfo(index).Length.Should().Be(complete, "the missing entries are derived again from the records");
        (await reopened.ReadAsync(0, 55, 1, int.MaxValue, CancellationToken.None)).Single().Offset.Should().Be(55);
    }

    [Fact]
    public async Task Garbage_index_is_ignored_and_rebuilt()
    {
        var options = _folder.Options(1);
        await using (var log = EmbeddedIngestLog.Open(options))
        {
            for (int i = 0; i < 50; i++)
            {
                await log.AppendAsync(0, [new IngestRecord(Key, new byte[3000], DateTimeOffset.FromUnixTimeMilliseconds(1000 + i))], CancellationToken.None);
            }
        }
        string index = Path.ChangeExtension(_folder.LastSegment(0), ".index");
        await File.WriteAllBytesAsync(index, RandomBytes(24 * 5 + 7));

        await using var reopened = EmbeddedIngestLog.Open(options);

        (await reopened.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(50);
        (await reopened.ReadAsync(0, 42, 1, int.MaxValue, CancellationToken.None)).Single().Offset.Should().Be(42);
        (await reopened.GetOffsetForTimestampAsync(0, DateTimeOffset.FromUnixTimeMilliseconds(1049), CancellationToken.None)).Should().Be(49);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
