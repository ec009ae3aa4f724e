using System.Diagnostics.Metrics;
using Tempo.Streaming.Core.Querying;
using static Tempo.Streaming.LiveStore.Tests.TestTraces;

namespace Tempo.Streaming.LiveStore.Tests;

public sealed class ConsumptionTests
{
    private const string Tenant = "single-tenant";

    [Fact]
    public async Task Consumed_fragments_of_one_trace_from_several_records_are_all_found()
    {
        await using var fixture = new LiveStoreFixture();
        var id = TraceId(1);
        await fixture.AppendAsync(0, Record(Tenant, (id, Fragment("api", NewSpan(id, 1)))));
        await fixture.AppendAsync(0, Record(Tenant, (id, Fragment("db", NewSpan(id, 2, parent: 1)))),
            Record(Tenant, (TraceId(2), Fragment("api", NewSpan(TraceId(2), 9)))));
        await using var store = await fixture.OpenStoreAsync();
        await fixture.CaughtUpAsync(store);

        var found = await store.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None);

        SpanIds(found.Fragments).Should().BeEquivalentTo([Convert.ToHexStringLower(SpanId(1)), Convert.ToHexStringLower(SpanId(2))]);
        found.InspectedBytes.Should().BeGreaterThan(0);
        (await store.FindTraceAsync(Tenant, TraceId(3), QueryWindow.All, CancellationToken.None)).Fragments.Should().BeEmpty();
    }

    [Fact]
    public async Task A_trace_with_more_fragments_than_its_summary_lists_is_still_found_whole()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var id = TraceId(42);
        var records = Enumerable.Range(1, 100).Select(n => Record(Tenant, (id, Fragment("api", NewSpan(id, n))))).ToArray();
        await fixture.AppendAsync(0, records);
        await using var store = await fixture.OpenStoreAsync();
        await fixture.CaughtUpAsync(store);

        var spans = SpanIds((await store.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None)).Fragments);

        spans.Should().HaveCount(100).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Tenants_never_see_each_others_traces()
    {
        await using var fixture = new LiveStoreFixture();
        var id = TraceId(7);
        await fixture.AppendAsync(1, Record("tenant-a", (id, Fragment("api", NewSpan(id, 1)))));
        await using var store = await fixture.OpenStoreAsync();
        await fixture.CaughtUpAsync(store);

        (await store.FindTraceAsync("tenant-a", id, QueryWindow.All, CancellationToken.None)).Fragments.Should().HaveCount(1);
        (await store.FindTraceAsync("tenant-b", id, QueryWindow.All, CancellationToken.None)).Fragments.Should().BeEmpty();
        (await store.FindTraceAsync("tenant", id, QueryWindow.All, CancellationToken.None)).Fragments.Should().BeEmpty();
    }

    [Fact]
    public async Task A_reopened_store_resumes_after_its_stored_offset_and_applies_nothing_twice()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var id = TraceId(3);
        await fixture.AppendAsync(0, Record(Tenant, (id, Fragment("api", NewSpan(id, 1)))));
        await using (var first = await fixture.OpenStoreAsync())
        {
            await fixture.CaughtUpAsync(first);
        }

        await fixture.AppendAsync(0, Record(Tenant, (id, Fragment("api", NewSpan(id, 2, parent: 1)))));
        await using var second = await fixture.OpenStoreAsync();
        second.GetConsumedOffset(0).Should().Be(1, "the first store recorded offset 0 as applied");
        await fixture.CaughtUpAsync(second);

        var spans = SpanIds((await second.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None)).Fragments);
        spans.Should().HaveCount(2).And.OnlyHaveUniqueItems();
        second.GetConsumedOffset(0).Should().Be(2);
    }

    [Fact]
    public async Task An_empty_store_starts_at_the_groups_committed_offset()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        await fixture.AppendAsync(0, Record(Tenant, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1)))));
        await fixture.AppendAsync(0, Record(Tenant, (TraceId(2), Fragment("api", NewSpan(TraceId(2), 1)))));
        await fixture.Log.CommitAsync("live-store", 0, 1, CancellationToken.None);

        await using var store = await fixture.OpenStoreAsync();
        await fixture.CaughtUpAsync(store);

        (await store.FindTraceAsync(Tenant, TraceId(1), QueryWindow.All, CancellationToken.None)).Fragments.Should()
            .BeEmpty("offset 0 is below the committed offset: it is durable in blocks, not the live store's to load");
        (await store.FindTraceAsync(Tenant, TraceId(2), QueryWindow.All, CancellationToken.None)).Fragments.Should().HaveCount(1);
    }

    [Fact]
    public async Task Undecodable_records_are_counted_and_skipped_and_consumption_goes_on()
    {
        using var discarded = new DiscardCounter();
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var good = TraceId(5);
        var mismatched = new Tempo.Streaming.Tempopb.PushBytesRequest();
        mismatched.Traces.Add(Google.Protobuf.ByteString.CopyFrom(Google.Protobuf.MessageExtensions.ToByteArray(Fragment("x", NewSpan(good, 1)))));
        await fixture.AppendAsync(0,
            RawRecord(Tenant, [0x0A, 0xFF, 0xFF]), // truncated length-delimited field
            RawRecord("bad tenant!", Record(Tenant, (good, Fragment("api", NewSpan(good, 1)))).Value.ToArray()),
            RawRecord(Tenant, Google.Protobuf.MessageExtensions.ToByteArray(mismatched)),
            Record(Tenant, (good, Fragment("api", NewSpan(good, 2)))));
        await using var store = await fixture.OpenStoreAsync();
        await fixture.CaughtUpAsync(store);

        SpanIds((await store.FindTraceAsync(Tenant, good, QueryWindow.All, CancellationToken.None)).Fragments)
            .Should().Equal(Convert.ToHexStringLower(SpanId(2)));
        discarded.Total("decoding_failed").Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task Spans_beyond_max_bytes_per_trace_are_discarded_and_the_limit_survives_a_restart()
    {
        using var discarded = new DiscardCounter();
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var id = TraceId(9);
        var fragment = Fragment("api", NewSpan(id, 1, attributes: ("payload", Str(new string('x', 400)))));
        var limit = fragment.CalculateSize() * 2 + 10;
        var options = fixture.Options(o => o with { MaxBytesPerTrace = limit });
        await fixture.AppendAsync(0, Record(Tenant, (id, fragment)), Record(Tenant, (id, Fragment("api", NewSpan(id, 2, parent: 1, attributes: ("payload", Str(new string('y', 400))))))));
        await using (var first = await fixture.OpenStoreAsync(options))
        {
            await fixture.CaughtUpAsync(first);
        }

        await fixture.AppendAsync(0, Record(Tenant, (id, Fragment("api", NewSpan(id, 3, parent: 1, attributes: ("payload", Str(new string('z', 400))))))));
        await using var second = await fixture.OpenStoreAsync(options);
        await fixture.CaughtUpAsync(second);

        SpanIds((await second.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None)).Fragments)
            .Should().HaveCount(2, "the third fragment would take the trace past max_bytes_per_trace even after the restart");
        discarded.Total("trace_too_large").Should().Be(1);
    }

    [Fact]
    public async Task Consumption_pauses_while_unflushed_data_is_at_max_live_traces_bytes_and_resumes_without_dropping_anything()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var records = Enumerable.Range(0, 20)
            .Select(i => Record(Tenant, (TraceId(100 + i), Fragment("api", NewSpan(TraceId(100 + i), 1)))))
            .ToArray();
        await fixture.AppendAsync(0, records);
        var options = fixture.Options(o => o with { MaxLiveTracesBytes = 1 << 20, FetchMaxRecords = 5 });
        await using var store = await fixture.OpenStoreAsync(options, start: false);
        var memoryFull = 1;
        store.UnflushedBytesProbe = () => Volatile.Read(ref memoryFull) == 1 ? 1 << 20 : 0;
        store.Start();

        await Task.Delay(300);
        store.GetConsumedOffset(0).Should().Be(0, "nothing is fetched while unflushed data is at the limit");

        Volatile.Write(ref memoryFull, 0);
        await fixture.CaughtUpAsync(store);
        for (var i = 0; i < records.Length; i++)
        {
            (await store.FindTraceAsync(Tenant, TraceId(100 + i), QueryWindow.All, CancellationToken.None)).Fragments
                .Should().HaveCount(1, $"trace {i} was acknowledged and must not be dropped");
        }
    }

    [Fact]
    public async Task A_tiny_memory_budget_keeps_rocksdb_flushing_and_loses_nothing()
    {
        await using var fixture = new LiveStoreFixture(partitions: 2);
        for (var batch = 0; batch < 10; batch++)
        {
            await fixture.AppendAsync(batch % 2, Enumerable.Range(0, 20)
                .Select(i => Record(Tenant, (TraceId(1000 + batch * 20 + i),
                    Fragment("api", NewSpan(TraceId(1000 + batch * 20 + i), 1, attributes: ("pad", Str(new string('p', 4000))))))))
                .ToArray());
        }

        await using var store = await fixture.OpenStoreAsync(fixture.Options(o => o with { MaxLiveTracesBytes = 256 * 1024 }));
        await fixture.CaughtUpAsync(store);

        for (var i = 0; i < 200; i++)
        {
            (await store.FindTraceAsync(Tenant, TraceId(1000 + i), QueryWindow.All, CancellationToken.None)).Fragments.Should().HaveCount(1);
        }
    }

    [Fact]
    public async Task Start_and_end_restrict_trace_by_id_to_traces_overlapping_the_window()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var id = TraceId(11);
        await fixture.AppendAsync(0, Record(Tenant, (id, Fragment("api", NewSpan(id, 1, start: BaseTime)))));
        await using var store = await fixture.OpenStoreAsync();
        await fixture.CaughtUpAsync(store);
        var seconds = BaseTime.ToUnixTimeSeconds();

        (await store.FindTraceAsync(Tenant, id, new QueryWindow(seconds - 10, seconds + 10), CancellationToken.None)).Fragments.Should().HaveCount(1);
        (await store.FindTraceAsync(Tenant, id, new QueryWindow(seconds + 60, seconds + 120), CancellationToken.None)).Fragments.Should().BeEmpty();
    }

    [Fact]
    public async Task A_database_with_another_layout_version_is_refused_with_a_message()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        using (var db = Tempo.Streaming.RocksDb.RocksDatabase.Open(fixture.StorePath, new Tempo.Streaming.RocksDb.RocksDbOptions(), ["traces", "index", "meta"]))
        {
            db.Put(db.GetColumnFamily("meta"), "L"u8, [0, 0, 0, 99]);
        }

        var open = () => fixture.OpenStoreAsync();

        (await open.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("key layout version 99");
    }

    /// <summary>Sums tempo_discarded_spans_total by reason from the live store's meter.</summary>
    private sealed class DiscardCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _byReason = [];

        public DiscardCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Tempo.Streaming.LiveStore" && instrument.Name == "tempo_discarded_spans_total")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason")
                    {
                        lock (_byReason)
                        {
                            _byReason[(string)tag.Value!] = _byReason.GetValueOrDefault((string)tag.Value!) + value;
                        }
                    }
                }
            });
            _listener.Start();
        }

        public long Total(string reason)
        {
            lock (_byReason)
            {
                return _byReason.GetValueOrDefault(reason);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
