using System.Text;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

/// <summary>The CLI's view: it must see what a running server made durable and never change a byte.</summary>
public sealed class ReadOnlyViewTests : IDisposable
{
    private readonly TestLogFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IngestRecord Record(string value) =>
        new(Encoding.UTF8.GetBytes("tenant"), Encoding.UTF8.GetBytes(value), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    [Fact]
    public async Task Read_only_view_sees_what_an_open_writer_made_durable()
    {
        var options = _folder.Options(2) with { SegmentBytes = 1024, RetentionPeriod = TimeSpan.Zero };
        await using var writer = EmbeddedIngestLog.Open(options);
        await writer.AppendAsync(1, [Record("a"), Record("b")], CancellationToken.None);
        await writer.CommitAsync("zone-a", 1, 1, CancellationToken.None);

        await using var view = EmbeddedIngestLog.OpenReadOnly(_folder.Path);

        view.IsReadOnly.Should().BeTrue();
        view.PartitionCount.Should().Be(2);
        (await view.GetHighWatermarkAsync(1, CancellationToken.None)).Should().Be(2);
        (await view.ReadAsync(1, 0, 10, int.MaxValue, CancellationToken.None)).Select(r => Encoding.UTF8.GetString(r.Value.Span))
            .Should().Equal("a", "b");
        (await view.GetCommittedAsync("zone-a", 1, CancellationToken.None)).Should().Be(1);

        // The writer keeps going, across several segment rolls; the view follows.
        for (int i = 0; i < 40; i++)
        {
            await writer.AppendAsync(1, [Record(new string('x', 100) + i)], CancellationToken.None);
        }
        await writer.CommitAsync("zone-a", 1, 30, CancellationToken.None);

        (await view.GetHighWatermarkAsync(1, CancellationToken.None)).Should().Be(42);
        IReadOnlyList<LogRecord> tail = await view.ReadAsync(1, 40, 10, int.MaxValue, CancellationToken.None);
        tail.Select(r => r.Offset).Should().Equal(40, 41);
        (await view.GetCommittedAsync("zone-a", 1, CancellationToken.None)).Should().Be(30);
        view.GetPartitionStats(1).Segments.Should().Be(writer.GetPartitionStats(1).Segments).And.BeGreaterThan(1);
        view.GetCommittedOffsets().Should().ContainSingle().Which.Group.Should().Be("zone-a");
    }

    [Fact]
    public async Task Read_only_view_refuses_writes()
    {
        await (EmbeddedIngestLog.Open(_folder.Options(1))).DisposeAsync();
        await using var view = EmbeddedIngestLog.OpenReadOnly(_folder.Path);

        Func<Task> append = async () => await view.AppendAsync(0, [Record("x")], CancellationToken.None);
        Func<Task> commit = async () => await view.CommitAsync("g", 0, 1, CancellationToken.None);

        await append.Should().ThrowAsync<InvalidOperationException>().WithMessage("*read-only*");
        await commit.Should().ThrowAsync<InvalidOperationException>().WithMessage("*read-only*");
    }

    [Fact]
    public async Task Read_only_view_stops_at_a_torn_tail_without_repairing_it()
    {
        await using (var writer = EmbeddedIngestLog.Open(_folder.Options(1)))
        {
            await writer.AppendAsync(0, [Record("a"), Record("b"), Record("c")], CancellationToken.None);
        }
        string segment = _folder.LastSegment(0);
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            await file.WriteAsync(new byte[] { 200, 0, 0, 0, 1, 2, 3 });
        }
        long length = new FileInfo(segment).Length;

        await using var view = EmbeddedIngestLog.OpenReadOnly(_folder.Path);

        (await view.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(3);
        (await view.ReadAsync(0, 0, 10, int.MaxValue, CancellationToken.None)).Should().HaveCount(3);
        new FileInfo(segment).Length.Should().Be(length, "a read-only view never truncates");
    }

    [Fact]
    public void Read_only_open_of_a_folder_without_a_log_fails_clearly()
    {
        Action open = () => EmbeddedIngestLog.OpenReadOnly(_folder.Path);

        open.Should().Throw<DirectoryNotFoundException>().WithMessage("*holds no embedded ingest log*log.json*");
    }
}
