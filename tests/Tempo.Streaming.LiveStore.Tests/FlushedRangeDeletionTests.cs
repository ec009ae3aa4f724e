using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Flushing;
using Tempo.Streaming.LiveStore.Storage;
using static Tempo.Streaming.LiveStore.Tests.TestTraces;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>
/// What deleting a flushed range after <c>complete_block_timeout</c> leaves of each trace: nothing of a trace held only by
/// deleted ranges (its summary goes too), and everything else of the others, whichever way the deletion decides it.
/// </summary>
public sealed class FlushedRangeDeletionTests
{
    private const string Tenant = "team-a";
    private const int OnlyFlushed = 1, AlsoLater = 2, ManyFragments = 3, TwoPartitions = 4, Filler = 5;

    [Fact]
    public async Task A_trace_keeps_its_summary_while_any_fragment_is_left_and_loses_it_with_the_last()
    {
        await using var fixture = new LiveStoreFixture(partitions: 2);
        var span = 0;
        // Partition 0, the first range: one fragment of each trace, 40 of the many-fragment trace (it lists at most 64,
        // so with the 30 later ones it is decided by a scan), then a record big enough to reach max_block_bytes.
        var first = new List<IngestRecord>
        {
            Now(Record(Tenant, (TraceId(OnlyFlushed), Fragment("api", NewSpan(TraceId(OnlyFlushed), ++span))))),
            Now(Record(Tenant, (TraceId(AlsoLater), Fragment("api", NewSpan(TraceId(AlsoLater), ++span))))),
            Now(Record(Tenant, (TraceId(TwoPartitions), Fragment("api", NewSpan(TraceId(TwoPartitions), ++span))))),
        };
        first.AddRange(Enumerable.Range(0, 40).Select(_ => Now(Record(Tenant, (TraceId(ManyFragments), Fragment("api", NewSpan(TraceId(ManyFragments), ++span)))))));
        first.Add(Now(Record(Tenant, (TraceId(Filler), Fragment("api", NewSpan(TraceId(Filler), ++span, name: new string('f', 40_000)))))));
        await fixture.AppendAsync(0, [.. first]);
        // Later records, below max_block_bytes and younger than max_block_duration: not cut.
        var alsoLaterSpan = ++span;
        var later = new List<IngestRecord> { Now(Record(Tenant, (TraceId(AlsoLater), Fragment("db", NewSpan(TraceId(AlsoLater), alsoLaterSpan))))) };
        later.AddRange(Enumerable.Range(0, 30).Select(_ => Now(Record(Tenant, (TraceId(ManyFragments), Fragment("db", NewSpan(TraceId(ManyFragments), ++span)))))));
        await fixture.AppendAsync(0, [.. later]);
        var otherPartitionSpan = ++span;
        await fixture.AppendAsync(1, Now(Record(Tenant, (TraceId(TwoPartitions), Fragment("db", NewSpan(TraceId(TwoPartitions), otherPartitionSpan))))));

        var options = fixture.Options(o => o with
        {
            Flush = new BlockFlushOptions
            {
                MaxBlockBytes = 32_000,
                MaxBlockDuration = TimeSpan.FromHours(1),
                // Long enough for the store to consume every record above before the first range goes.
                CompleteBlockTimeout = TimeSpan.FromSeconds(1),
                CheckInterval = TimeSpan.FromMilliseconds(20),
            },
        });
        await using (var store = await fixture.OpenStoreAsync(options, writer: new BlockWriter(fixture.Backend())))
        {
            await fixture.CaughtUpAsync(store);
            await Poll.UntilAsync(async () => (await FindAsync(store, OnlyFlushed)).Count == 0);

            (await FindAsync(store, Filler)).Should().BeEmpty();
            (await FindAsync(store, AlsoLater)).Should().Equal(Convert.ToHexStringLower(SpanId(alsoLaterSpan)));
            (await FindAsync(store, ManyFragments)).Should().HaveCount(30);
            (await FindAsync(store, TwoPartitions)).Should().Equal(Convert.ToHexStringLower(SpanId(otherPartitionSpan)));
        }
        Summaries(fixture).Should().BeEquivalentTo([AlsoLater, ManyFragments, TwoPartitions], "the first range left nothing of the other two");

        await using (var store = await fixture.OpenStoreAsync(options with { Flush = options.Flush with { CompleteBlockTimeout = TimeSpan.Zero } },
            writer: new BlockWriter(fixture.Backend())))
        {
            (await store.FlushAsync(CancellationToken.None)).Select(r => r.Range.Partition).Should().BeEquivalentTo([0, 1]);
            foreach (var trace in new[] { AlsoLater, ManyFragments, TwoPartitions })
            {
                await Poll.UntilAsync(async () => (await FindAsync(store, trace)).Count == 0);
            }
        }
        Summaries(fixture).Should().BeEmpty("every fragment of every trace was deleted");
    }

    private static IngestRecord Now(IngestRecord record) => record with { Timestamp = DateTimeOffset.UtcNow };

    private static async Task<List<string>> FindAsync(LiveTraceStore store, int trace) =>
        SpanIds((await store.FindTraceAsync(Tenant, TraceId(trace), QueryWindow.All, CancellationToken.None)).Fragments);

    /// <summary>The traces (by number) with a summary in the closed store's database.</summary>
    private static List<int> Summaries(LiveStoreFixture fixture)
    {
        using var db = LiveStoreDatabase.Open(fixture.StorePath, blockCacheBytes: 8 << 20, memtableBudgetBytes: 0);
        var prefix = new byte[LiveStoreKeys.TenantPrefix(Tenant).Length + 1];
        LiveStoreKeys.TenantPrefix(Tenant).CopyTo(prefix, 0);
        prefix[^1] = LiveStoreKeys.SummaryTag;
        var traces = new List<int>();
        using var iterator = db.Db.NewIterator(db.Index, prefix, LiveStoreKeys.Successor(prefix));
        for (iterator.Seek(prefix); iterator.Valid; iterator.Next())
        {
            var traceId = iterator.Key[prefix.Length..].ToArray();
            traces.Add(Enumerable.Range(1, Filler).Single(n => TraceId(n).AsSpan().SequenceEqual(traceId)));
        }
        iterator.ThrowIfFailed();
        return traces;
    }
}
