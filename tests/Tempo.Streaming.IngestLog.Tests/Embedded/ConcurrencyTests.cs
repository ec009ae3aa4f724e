using System.Buffers.Binary;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

/// <summary>Readers running beside the group-commit writer, segment rolls and retention.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TestLogFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A value that says which offset it was acknowledged at is checkable by any reader.</summary>
    private static IngestRecord Tagged(long producer, long sequence, int size)
    {
        var value = new byte[size];
        BinaryPrimitives.WriteInt64LittleEndian(value, producer);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8), sequence);
        value.AsSpan(16).Fill((byte)(producer ^ sequence));
        return new IngestRecord(new byte[] { (byte)producer }, value, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Readers_see_only_whole_acknowledged_records_while_producers_append_across_rolls()
    {
        var options = _folder.Options(1) with { SegmentBytes = 64 * 1024, RetentionPeriod = TimeSpan.Zero, RetentionBytes = 0 };
        await using var log = EmbeddedIngestLog.Open(options);
        const int producers = 16;
        const int appendsEach = 40;
        using var stop = new CancellationTokenSource();

        Task reader = Task.Run(async () =>
        {
            long next = 0;
            while (!stop.IsCancellationRequested || next < producers * appendsEach)
            {
                IReadOnlyList<LogRecord> batch = await log.ReadAsync(0, next, 100, 1024 * 1024, CancellationToken.None);
                foreach (LogRecord record in batch)
                {
                    record.Offset.Should().Be(next, "reads are dense and in order");
                    long producer = BinaryPrimitives.ReadInt64LittleEndian(record.Value.Span);
                    long sequence = BinaryPrimitives.ReadInt64LittleEndian(record.Value.Span[8..]);
                    record.Value.ToArray().Skip(16).Should().OnlyContain(b => b == (byte)(producer ^ sequence));
                    next++;
                }
                if (batch.Count > 0)
                {
                    long highWatermark = await log.GetHighWatermarkAsync(0, CancellationToken.None);
                    highWatermark.Should().BeGreaterThan(batch[^1].Offset, "a reader never gets ahead of the durable end");
                }
                else
                {
                    await Task.Yield();
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (int a = 0; a < appendsEach; a++)
            {
                await log.AppendAsync(0, [Tagged(p, a, 100 + ((p * 37 + a * 11) % 3000))], CancellationToken.None);
            }
        })));
        await stop.CancelAsync();

        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        _folder.SegmentFiles(0).Length.Should().BeGreaterThan(3, "the run crossed several segment rolls");
    }

    [Fact]
    public async Task Read_only_view_follows_retention_of_the_writer()
    {
        var options = _folder.Options(1) with { SegmentBytes = 4096, RetentionBytes = 8192, RetentionPeriod = TimeSpan.Zero };
        await using var writer = EmbeddedIngestLog.Open(options);
        await writer.AppendAsync(0, [Tagged(0, 0, 1000)], CancellationToken.None);
        await using var view = EmbeddedIngestLog.OpenReadOnly(_folder.Path);
        (await view.ReadAsync(0, 0, 1, int.MaxValue, CancellationToken.None)).Should().ContainSingle();

        for (int i = 1; i < 40; i++)
        {
            await writer.AppendAsync(0, [Tagged(0, i, 1000)], CancellationToken.None);
        }
        writer.ApplyRetention();

        long writerStart = await writer.GetLogStartOffsetAsync(0, CancellationToken.None);
        writerStart.Should().BeGreaterThan(0);
        (await view.GetLogStartOffsetAsync(0, CancellationToken.None)).Should().Be(writerStart);
        (await view.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(40);
        IReadOnlyList<LogRecord> fromZero = await view.ReadAsync(0, 0, 1000, int.MaxValue, CancellationToken.None);
        fromZero[0].Offset.Should().Be(writerStart);
        fromZero[^1].Offset.Should().Be(39);
    }
}
