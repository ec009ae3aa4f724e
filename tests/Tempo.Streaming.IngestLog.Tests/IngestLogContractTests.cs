using System.Collections.Concurrent;
using System.Text;

namespace Tempo.Streaming.IngestLog.Tests;

/// <summary>
/// Behaviour every <see cref="IIngestLog"/> must have (ARCHITECTURE.md §3: one contract suite runs against the
/// embedded log and the Kafka adapter). Subclasses only say how to create a fresh log and how to reopen it; nothing
/// here may depend on how a particular implementation stores records.
/// </summary>
public abstract class IngestLogContractTests : IAsyncLifetime
{
    /// <summary>Reads in these tests poll with this deadline, since some logs (Kafka) expose appends asynchronously.</summary>
    protected static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(20);

    private readonly List<IIngestLog> _open = new();

    /// <summary>Creates a new, empty log with <paramref name="partitions"/> partitions, unique to this test.</summary>
    protected abstract Task<IIngestLog> CreateLogAsync(int partitions);

    /// <summary>Closes <paramref name="log"/> (already disposed by the caller) and opens the same log again.</summary>
    protected abstract Task<IIngestLog> ReopenLogAsync(IIngestLog log);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (IIngestLog log in _open)
        {
            await log.DisposeAsync();
        }
    }

    private async Task<IIngestLog> NewLogAsync(int partitions = 2)
    {
        IIngestLog log = await CreateLogAsync(partitions);
        _open.Add(log);
        return log;
    }

    private async Task<IIngestLog> ReopenAsync(IIngestLog log)
    {
        _open.Remove(log);
        await log.DisposeAsync();
        IIngestLog reopened = await ReopenLogAsync(log);
        _open.Add(reopened);
        return reopened;
    }

    /// <summary>Log timestamps have millisecond precision (Kafka's and ours).</summary>
    protected static readonly DateTimeOffset BaseTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    protected static IngestRecord Record(string tenant, string value, DateTimeOffset? timestamp = null) =>
        new(Encoding.UTF8.GetBytes(tenant), Encoding.UTF8.GetBytes(value), timestamp ?? BaseTime);

    protected static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>Reads [from, to) completely, polling until every record is visible or the deadline passes.</summary>
    protected static async Task<List<LogRecord>> ReadRangeAsync(IIngestLog log, int partition, long from, long to)
    {
        var records = new List<LogRecord>();
        long next = from;
        var deadline = DateTime.UtcNow + ReadDeadline;
        while (next < to)
        {
            IReadOnlyList<LogRecord> batch = await log.ReadAsync(partition, next, 1000, 16 * 1024 * 1024, CancellationToken.None);
            foreach (LogRecord record in batch)
            {
                if (record.Offset < to)
                {
                    records.Add(record);
                }
                next = record.Offset + 1;
            }
            if (batch.Count == 0)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, $"records [{next}, {to}) of partition {partition} should become readable");
                await Task.Delay(20);
            }
        }
        return records;
    }

    [Fact]
    public async Task Append_then_read_round_trips_keys_values_and_timestamps()
    {
        IIngestLog log = await NewLogAsync();
        IngestRecord[] records =
        [
            Record("tenant-a", "first", BaseTime),
            new(Encoding.UTF8.GetBytes("tenant-b"), new byte[] { 0, 1, 2, 255 }, BaseTime.AddSeconds(3)),
            new(ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, BaseTime.AddMilliseconds(7)),
        ];

        long[] offsets = await log.AppendAsync(1, records, CancellationToken.None);

        offsets.Should().Equal(0, 1, 2);
        List<LogRecord> read = await ReadRangeAsync(log, 1, 0, 3);
        read.Should().HaveCount(3);
        read.Select(r => r.Partition).Should().AllBeEquivalentTo(1);
        read.Select(r => r.Offset).Should().Equal(0, 1, 2);
        Text(read[0].Key).Should().Be("tenant-a");
        Text(read[0].Value).Should().Be("first");
        read[0].Timestamp.Should().Be(BaseTime);
        Text(read[1].Key).Should().Be("tenant-b");
        read[1].Value.ToArray().Should().Equal(0, 1, 2, 255);
        read[1].Timestamp.Should().Be(BaseTime.AddSeconds(3));
        read[2].Key.Length.Should().Be(0);
        read[2].Value.Length.Should().Be(0);
        read[2].Timestamp.Should().Be(BaseTime.AddMilliseconds(7));
    }

    [Fact]
    public async Task Offsets_are_dense_and_increase_across_appends()
    {
        IIngestLog log = await NewLogAsync();
        var all = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            var batch = Enumerable.Range(0, i + 1).Select(j => Record("t", $"{i}-{j}")).ToArray();
            all.AddRange(await log.AppendAsync(0, batch, CancellationToken.None));
        }

        all.Should().Equal(Enumerable.Range(0, 15).Select(i => (long)i));
        (await log.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(15);
        List<LogRecord> read = await ReadRangeAsync(log, 0, 0, 15);
        read.Select(r => Text(r.Value)).Should().StartWith(["0-0", "1-0", "1-1", "2-0"]);
    }

    [Fact]
    public async Task Concurrent_appends_get_distinct_offsets_and_are_all_readable()
    {
        IIngestLog log = await NewLogAsync();
        const int producers = 32;
        const int appendsPerProducer = 10;
        var assigned = new ConcurrentDictionary<long, string>();

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (int a = 0; a < appendsPerProducer; a++)
            {
                IngestRecord[] batch = [Record($"tenant-{p}", $"{p}/{a}/0"), Record($"tenant-{p}", $"{p}/{a}/1")];
                long[] offsets = await log.AppendAsync(0, batch, CancellationToken.None);
                offsets.Should().HaveCount(2);
                offsets[1].Should().Be(offsets[0] + 1, "the records of one append are contiguous");
                assigned.TryAdd(offsets[0], $"{p}/{a}/0").Should().BeTrue($"offset {offsets[0]} was assigned twice");
                assigned.TryAdd(offsets[1], $"{p}/{a}/1").Should().BeTrue($"offset {offsets[1]} was assigned twice");
            }
        })));

        const int total = producers * appendsPerProducer * 2;
        assigned.Keys.Order().Should().Equal(Enumerable.Range(0, total).Select(i => (long)i));
        (await log.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(total);
        List<LogRecord> read = await ReadRangeAsync(log, 0, 0, total);
        read.Should().HaveCount(total);
        foreach (LogRecord record in read)
        {
            Text(record.Value).Should().Be(assigned[record.Offset]);
        }
    }

    [Fact]
    public async Task Read_from_the_middle_starts_at_that_offset()
    {
        IIngestLog log = await NewLogAsync();
        await log.AppendAsync(0, Enumerable.Range(0, 50).Select(i => Record("t", $"v{i}")).ToArray(), CancellationToken.None);

        List<LogRecord> read = await ReadRangeAsync(log, 0, 37, 50);

        read.Select(r => r.Offset).Should().Equal(Enumerable.Range(37, 13).Select(i => (long)i));
        read.Select(r => Text(r.Value)).Should().Equal(Enumerable.Range(37, 13).Select(i => $"v{i}"));
    }

    [Fact]
    public async Task Read_returns_at_most_max_records()
    {
        IIngestLog log = await NewLogAsync();
        await log.AppendAsync(0, Enumerable.Range(0, 20).Select(i => Record("t", $"v{i}")).ToArray(), CancellationToken.None);
        await ReadRangeAsync(log, 0, 0, 20);

        IReadOnlyList<LogRecord> read = await log.ReadAsync(0, 5, 3, 16 * 1024 * 1024, CancellationToken.None);

        read.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(3);
        read.Select(r => r.Offset).Should().Equal(Enumerable.Range(5, read.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task Read_honours_max_bytes_but_returns_at_least_one_record()
    {
        IIngestLog log = await NewLogAsync();
        string big = new('x', 10_000);
        await log.AppendAsync(0, Enumerable.Range(0, 10).Select(_ => Record("t", big)).ToArray(), CancellationToken.None);
        await ReadRangeAsync(log, 0, 0, 10);

        IReadOnlyList<LogRecord> tiny = await log.ReadAsync(0, 2, 100, 1, CancellationToken.None);
        IReadOnlyList<LogRecord> some = await log.ReadAsync(0, 0, 100, 35_000, CancellationToken.None);

        tiny.Should().ContainSingle().Which.Offset.Should().Be(2);
        Text(tiny[0].Value).Should().Be(big);
        some.Should().NotBeEmpty().And.HaveCountLessThan(10, "35 kB holds about three 10 kB records, not ten");
        some.Select(r => r.Offset).Should().Equal(Enumerable.Range(0, some.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task Empty_partition_reads_nothing_and_reports_zero_offsets()
    {
        IIngestLog log = await NewLogAsync();

        (await log.ReadAsync(1, 0, 10, 1024, CancellationToken.None)).Should().BeEmpty();
        (await log.GetHighWatermarkAsync(1, CancellationToken.None)).Should().Be(0);
        (await log.GetLogStartOffsetAsync(1, CancellationToken.None)).Should().Be(0);
        (await log.GetOffsetForTimestampAsync(1, BaseTime, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task High_watermark_is_the_next_offset_and_reading_there_returns_nothing()
    {
        IIngestLog log = await NewLogAsync();
        await log.AppendAsync(0, [Record("t", "a"), Record("t", "b")], CancellationToken.None);
        await log.AppendAsync(0, [Record("t", "c")], CancellationToken.None);

        (await log.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(3);
        (await log.GetLogStartOffsetAsync(0, CancellationToken.None)).Should().Be(0);
        (await log.ReadAsync(0, 3, 10, 1024, CancellationToken.None)).Should().BeEmpty();
        (await log.ReadAsync(0, 100, 10, 1024, CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task Partitions_are_independent()
    {
        IIngestLog log = await NewLogAsync(partitions: 3);
        await log.AppendAsync(2, [Record("t", "only in 2")], CancellationToken.None);
        long[] first = await log.AppendAsync(0, [Record("t", "only in 0")], CancellationToken.None);

        first.Should().Equal(0);
        (await log.GetHighWatermarkAsync(1, CancellationToken.None)).Should().Be(0);
        (await ReadRangeAsync(log, 2, 0, 1)).Single().Value.ToArray().Should().Equal(Encoding.UTF8.GetBytes("only in 2"));
        (await ReadRangeAsync(log, 0, 0, 1)).Single().Value.ToArray().Should().Equal(Encoding.UTF8.GetBytes("only in 0"));
    }

    [Fact]
    public async Task Empty_append_returns_no_offsets()
    {
        IIngestLog log = await NewLogAsync();

        long[] offsets = await log.AppendAsync(0, Array.Empty<IngestRecord>(), CancellationToken.None);

        offsets.Should().BeEmpty();
        (await log.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(0);
    }

    [Fact]
    public async Task Partition_outside_the_log_is_rejected()
    {
        IIngestLog log = await NewLogAsync(partitions: 2);

        Func<Task> append = async () => await log.AppendAsync(2, [Record("t", "x")], CancellationToken.None);
        Func<Task> read = async () => await log.ReadAsync(-1, 0, 1, 1, CancellationToken.None);

        await append.Should().ThrowAsync<ArgumentOutOfRangeException>();
        await read.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Committed_offsets_are_kept_per_group_and_partition()
    {
        IIngestLog log = await NewLogAsync(partitions: 2);

        (await log.GetCommittedAsync("live-store-zone-a", 0, CancellationToken.None)).Should().BeNull();
        await log.CommitAsync("live-store-zone-a", 0, 42, CancellationToken.None);
        await log.CommitAsync("live-store-zone-a", 1, 7, CancellationToken.None);
        await log.CommitAsync("live-store-zone-b", 0, 3, CancellationToken.None);
        await log.CommitAsync("live-store-zone-a", 0, 43, CancellationToken.None);

        (await log.GetCommittedAsync("live-store-zone-a", 0, CancellationToken.None)).Should().Be(43);
        (await log.GetCommittedAsync("live-store-zone-a", 1, CancellationToken.None)).Should().Be(7);
        (await log.GetCommittedAsync("live-store-zone-b", 0, CancellationToken.None)).Should().Be(3);
        (await log.GetCommittedAsync("live-store-zone-b", 1, CancellationToken.None)).Should().BeNull();
        (await log.GetCommittedAsync("never-committed", 0, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Offset_for_timestamp_finds_the_earliest_record_at_or_after_it()
    {
        IIngestLog log = await NewLogAsync();
        // Non-monotonic producer timestamps, as Kafka allows: offset 3 is older than offset 2.
        IngestRecord[] records =
        [
            Record("t", "0", BaseTime),
            Record("t", "1", BaseTime.AddSeconds(10)),
            Record("t", "2", BaseTime.AddSeconds(20)),
            Record("t", "3", BaseTime.AddSeconds(15)),
            Record("t", "4", BaseTime.AddSeconds(30)),
        ];
        await log.AppendAsync(0, records, CancellationToken.None);
        await ReadRangeAsync(log, 0, 0, records.Length);

        async Task<long?> At(DateTimeOffset t) => await log.GetOffsetForTimestampAsync(0, t, CancellationToken.None);

        (await At(BaseTime.AddSeconds(-100))).Should().Be(0);
        (await At(BaseTime)).Should().Be(0);
        (await At(BaseTime.AddMilliseconds(1))).Should().Be(1);
        (await At(BaseTime.AddSeconds(12))).Should().Be(2, "offset 2 is the first record with a timestamp >= t+12s");
        (await At(BaseTime.AddSeconds(21))).Should().Be(4);
        (await At(BaseTime.AddSeconds(30))).Should().Be(4);
        (await At(BaseTime.AddSeconds(31))).Should().BeNull();
    }

    [Fact]
    public async Task Reopening_keeps_records_offsets_and_commits()
    {
        IIngestLog log = await NewLogAsync(partitions: 2);
        await log.AppendAsync(0, [Record("a", "one"), Record("a", "two")], CancellationToken.None);
        await log.AppendAsync(1, [Record("b", "three", BaseTime.AddMinutes(1))], CancellationToken.None);
        await log.CommitAsync("group", 0, 2, CancellationToken.None);

        IIngestLog reopened = await ReopenAsync(log);

        reopened.PartitionCount.Should().Be(2);
        reopened.Topic.Should().Be(log.Topic);
        (await reopened.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(2);
        (await reopened.GetHighWatermarkAsync(1, CancellationToken.None)).Should().Be(1);
        (await ReadRangeAsync(reopened, 0, 0, 2)).Select(r => Text(r.Value)).Should().Equal("one", "two");
        LogRecord three = (await ReadRangeAsync(reopened, 1, 0, 1)).Single();
        Text(three.Key).Should().Be("b");
        three.Timestamp.Should().Be(BaseTime.AddMinutes(1));
        (await reopened.GetCommittedAsync("group", 0, CancellationToken.None)).Should().Be(2);
        (await reopened.GetOffsetForTimestampAsync(1, BaseTime, CancellationToken.None)).Should().Be(0);

        long[] next = await reopened.AppendAsync(0, [Record("a", "after reopen")], CancellationToken.None);
        next.Should().Equal(2);
    }
}
