using System.Buffers.Binary;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.LiveStore.Flushing;
using Tempo.Streaming.LiveStore.Storage;
using static Tempo.Streaming.LiveStore.Tests.TestTraces;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>
/// A store that cuts blocks writes fragments without RocksDB's WAL, so a crash loses those still in a memtable. The
/// crash is reproduced on a real RocksDB by closing the store, then removing the clean-close mark and the unflushed
/// fragments — what a SIGKILL leaves behind (the WAL-logged ledger and offsets survive, the fragments do not).
/// </summary>
public sealed class UncleanCloseTests
{
    private const string Tenant = "team-a";

    [Fact]
    public async Task After_an_unclean_close_the_unflushed_fragments_come_back_from_the_log_and_are_cut_whole()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await AppendTracesAsync(fixture);
        await using (var store = await fixture.OpenStoreAsync(writer: new BlockWriter(backend)))
        {
            await fixture.CaughtUpAsync(store);
            (await store.FlushAsync(CancellationToken.None)).Single().Range.Should().Be(new FlushRange(0, 0, 0));
            await AppendMoreAsync(fixture);
            await fixture.CaughtUpAsync(store);
        }
        LoseFragmentsFrom(fixture.StorePath, firstLostOffset: 1, removeCleanMark: true).Should().Be(3);

        await using var restarted = await fixture.OpenStoreAsync(writer: new BlockWriter(backend));

        SpanIds((await restarted.FindTraceAsync(Tenant, TraceId(1), QueryWindow.All, CancellationToken.None)).Fragments)
            .Should().HaveCount(3, "one span from the flushed record, two restored");
        SpanIds((await restarted.FindTraceAsync(Tenant, TraceId(2), QueryWindow.All, CancellationToken.None)).Fragments)
            .Should().ContainSingle();
        var cut = (await restarted.FlushAsync(CancellationToken.None)).Single();
        cut.Range.Should().Be(new FlushRange(0, 1, 2));
        var block = await BlockReader.OpenAsync(backend, Tenant, cut.Blocks.Single().BlockId);
        (await block.FindTraceByIdAsync(TraceId(1)))!.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)).Should().Be(2);
        (await block.FindTraceByIdAsync(TraceId(2))).Should().NotBeNull();
    }

    [Fact]
    public async Task An_open_that_fails_before_restoring_does_not_mark_the_close_clean()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        await AppendTracesAsync(fixture);
        await AppendMoreAsync(fixture);
        await using (var store = await fixture.OpenStoreAsync(writer: new BlockWriter(fixture.Backend())))
        {
            await fixture.CaughtUpAsync(store);
        }
        LoseFragmentsFrom(fixture.StorePath, firstLostOffset: 0, removeCleanMark: true).Should().Be(4);

        // The restore reads the log with the open's token: cancelled, the open fails and closes the database again.
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var open = () => LiveTraceStore.OpenAsync(fixture.Options(), fixture.Log,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null, cancelled.Token, new BlockWriter(fixture.Backend()));
        await open.Should().ThrowAsync<OperationCanceledException>();

        await using var restarted = await fixture.OpenStoreAsync(writer: new BlockWriter(fixture.Backend()));
        SpanIds((await restarted.FindTraceAsync(Tenant, TraceId(1), QueryWindow.All, CancellationToken.None)).Fragments)
            .Should().HaveCount(3, "the second open restores what the failed one did not");
    }

    [Fact]
    public async Task A_clean_close_is_trusted_and_nothing_is_read_back_from_the_log()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        await AppendTracesAsync(fixture);
        await AppendMoreAsync(fixture);
        await using (var store = await fixture.OpenStoreAsync(writer: new BlockWriter(fixture.Backend())))
        {
            await fixture.CaughtUpAsync(store);
        }
        // Fragments removed behind a clean close stay removed: the restore runs only when the mark is missing.
        LoseFragmentsFrom(fixture.StorePath, firstLostOffset: 1, removeCleanMark: false).Should().Be(3);

        await using var restarted = await fixture.OpenStoreAsync(writer: new BlockWriter(fixture.Backend()));

        SpanIds((await restarted.FindTraceAsync(Tenant, TraceId(2), QueryWindow.All, CancellationToken.None)).Fragments)
            .Should().BeEmpty();
    }

    private static async Task AppendTracesAsync(LiveStoreFixture fixture) =>
        await fixture.AppendAsync(0, Record(Tenant, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1)))));

    private static async Task AppendMoreAsync(LiveStoreFixture fixture) =>
        await fixture.AppendAsync(0,
            Record(Tenant, (TraceId(1), Fragment("db", NewSpan(TraceId(1), 2, parent: 1))), (TraceId(2), Fragment("api", NewSpan(TraceId(2), 3)))),
            Record(Tenant, (TraceId(1), Fragment("cache", NewSpan(TraceId(1), 4, parent: 1)))));

    /// <summary>Deletes the fragments of records from <paramref name="firstLostOffset"/> on; returns how many.</summary>
    private static int LoseFragmentsFrom(string path, long firstLostOffset, bool removeCleanMark)
    {
        using var db = LiveStoreDatabase.Open(path, blockCacheBytes: 8 << 20, memtableBudgetBytes: 0);
        var lost = new List<byte[]>();
        using (var iterator = db.Db.NewIterator(db.Traces, default, default))
        {
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                // fragment key: tenant \0 traceID(16) partition(4) offset(8) index(4)
                if (BinaryPrimitives.ReadInt64BigEndian(iterator.Key[^12..^4]) >= firstLostOffset)
                {
                    lost.Add(iterator.Key.ToArray());
                }
            }
        }
        foreach (var key in lost)
        {
            db.Db.Delete(db.Traces, key);
        }
        db.Db.Get(db.Meta, LiveStoreKeys.ClosedCleanlyKey).Should().NotBeNull("the store was closed cleanly");
        if (removeCleanMark)
        {
            db.Db.Delete(db.Meta, LiveStoreKeys.ClosedCleanlyKey);
        }
        db.Db.Flush();
        return lost.Count;
    }
}
