using System.Text;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

public sealed class OpenAndLifecycleTests : IDisposable
{
    private readonly TestLogFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IngestRecord Record(string value) =>
        new(Encoding.UTF8.GetBytes("tenant"), Encoding.UTF8.GetBytes(value), DateTimeOffset.UtcNow);

    [Fact]
    public async Task New_log_writes_its_manifest_and_partition_folders()
    {
        await using var log = EmbeddedIngestLog.Open(_folder.Options(3) with { Topic = "my-topic" });

        string manifest = await File.ReadAllTextAsync(Path.Combine(_folder.Path, "log.json"));
        manifest.Should().Contain("\"topic\": \"my-topic\"").And.Contain("\"partitions\": 3");
        for (int p = 0; p < 3; p++)
        {
            _folder.SegmentFiles(p).Should().Equal("00000000000000000000.log");
        }
        log.Topic.Should().Be("my-topic");
        log.PartitionCount.Should().Be(3);
    }

    [Fact]
    public async Task Opening_with_a_different_partition_count_fails_clearly()
    {
        await (EmbeddedIngestLog.Open(_folder.Options(2))).DisposeAsync();

        Action open = () => EmbeddedIngestLog.Open(_folder.Options(3));

        open.Should().Throw<InvalidOperationException>()
            .WithMessage("*was created with 2 partitions*asks for 3*cannot change*");
        // The failed open released the lock: the right configuration still opens.
        await using var log = EmbeddedIngestLog.Open(_folder.Options(2));
        log.PartitionCount.Should().Be(2);
    }

    [Fact]
    public async Task Opening_with_a_different_topic_fails_clearly()
    {
        await (EmbeddedIngestLog.Open(_folder.Options(1))).DisposeAsync();

        Action open = () => EmbeddedIngestLog.Open(_folder.Options(1) with { Topic = "other" });

        open.Should().Throw<InvalidOperationException>().WithMessage("*holds topic 'tempo-ingest'*names topic 'other'*");
    }

    [Fact]
    public async Task A_second_writer_on_the_same_folder_is_refused()
    {
        await using var first = EmbeddedIngestLog.Open(_folder.Options(1));

        Action second = () => EmbeddedIngestLog.Open(_folder.Options(1));

        second.Should().Throw<IOException>().WithMessage("*already open for writing*lock file*");
        await first.DisposeAsync();
        await using var afterClose = EmbeddedIngestLog.Open(_folder.Options(1));
        afterClose.IsReadOnly.Should().BeFalse();
    }

    [Theory]
    [InlineData(0, 1024)]
    [InlineData(1, 100)]
    public void Invalid_options_are_rejected(int partitions, long segmentBytes)
    {
        Action open = () => EmbeddedIngestLog.Open(_folder.Options(partitions) with { SegmentBytes = segmentBytes });

        open.Should().Throw<ArgumentException>().WithMessage("ingest.embedded.*");
    }

    [Fact]
    public async Task Appends_after_dispose_throw_object_disposed()
    {
        var log = EmbeddedIngestLog.Open(_folder.Options(1));
        await log.DisposeAsync();

        Func<Task> append = async () => await log.AppendAsync(0, [Record("late")], CancellationToken.None);

        await append.Should().ThrowAsync<ObjectDisposedException>();
        await log.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task Dispose_completes_every_append_already_accepted()
    {
        var log = EmbeddedIngestLog.Open(_folder.Options(1));
        var appends = new List<Task<long[]>>();
        for (int i = 0; i < 200; i++)
        {
            appends.Add(log.AppendAsync(0, [Record($"v{i}")], CancellationToken.None).AsTask());
        }

        await log.DisposeAsync();

        long[][] offsets = await Task.WhenAll(appends);
        offsets.Select(o => o.Single()).Order().Should().Equal(Enumerable.Range(0, 200).Select(i => (long)i));
        await using var reopened = EmbeddedIngestLog.Open(_folder.Options(1));
        (await reopened.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(200);
    }

    [Fact]
    public async Task Commits_replace_the_group_file_atomically_and_leave_no_temporary_files()
    {
        await using var log = EmbeddedIngestLog.Open(_folder.Options(2));
        await log.CommitAsync("zone a/äö", 0, 5, CancellationToken.None);
        await log.CommitAsync("zone a/äö", 1, 9, CancellationToken.None);

        string[] files = Directory.GetFiles(Path.Combine(_folder.Path, "offsets")).Select(Path.GetFileName).ToArray()!;
        files.Should().ContainSingle().Which.Should().EndWith(".json").And.NotContain("/");
        log.GetCommittedOffsets().Should().ContainSingle().Which.Group.Should().Be("zone a/äö");
        log.GetCommittedOffsets()[0].Offsets.Should().BeEquivalentTo(new Dictionary<int, long> { [0] = 5, [1] = 9 });
    }

    [Fact]
    public async Task Concurrent_commits_of_one_group_keep_every_partition()
    {
        await using (var log = EmbeddedIngestLog.Open(_folder.Options(8)))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(p => log.CommitAsync("g", p, 100 + p, CancellationToken.None).AsTask()));
        }

        await using var reopened = EmbeddedIngestLog.Open(_folder.Options(8));
        for (int p = 0; p < 8; p++)
        {
            (await reopened.GetCommittedAsync("g", p, CancellationToken.None)).Should().Be(100 + p);
        }
    }

    [Fact]
    public async Task Oversized_record_is_rejected_before_anything_is_written()
    {
        await using var log = EmbeddedIngestLog.Open(_folder.Options(1));
        var huge = new IngestRecord(ReadOnlyMemory<byte>.Empty, new byte[RecordFormat.MaxRecordSize], DateTimeOffset.UtcNow);

        Func<Task> append = async () => await log.AppendAsync(0, [Record("ok"), huge], CancellationToken.None);

        await append.Should().ThrowAsync<ArgumentException>().WithMessage("record 1 is *");
        (await log.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(0);
    }
}
