using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Cli.Tests.Blocks;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using PushBytesRequest = Tempo.Streaming.Tempopb.PushBytesRequest;
using TempoTrace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Cli.Tests.Replay;

/// <summary>
/// <c>tempo-streaming-cli replay</c> as a process: an embedded ingest log holding records as the distributor writes them
/// (key = tenant, value = PushBytesRequest), blocks rebuilt into a local backend.
/// </summary>
public sealed class ReplayCommandTests : IAsyncLifetime
{
    private static readonly DateTimeOffset BaseTime = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private const string Topic = "tempo-ingest";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "tempo-cli-replay-" + Guid.NewGuid().ToString("N"));
    private string Blocks => Path.Combine(_root, "blocks");
    private string Log => Path.Combine(_root, "log");
    private int _recordBytes;

    /// <summary>Partition 0: 10 records a minute apart from BaseTime, alternating tenants shop and other; partition 1 empty.</summary>
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Blocks);
        await using var log = EmbeddedIngestLog.Open(new EmbeddedLogOptions { Path = Log, Partitions = 2 });
        var records = new List<IngestRecord>();
        for (var i = 0; i < 10; i++)
        {
            records.Add(Record(i % 2 == 0 ? "shop" : "other", i, BaseTime.AddMinutes(i)));
        }
        _recordBytes = records[0].Value.Length;
        await log.AppendAsync(0, records, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private Task<CliProcess.Result> ReplayAsync(params string[] args) =>
        CliProcess.RunAsync(["replay", "--path", Blocks, "--log.path", Log, .. args]);

    [Fact]
    public async Task Offsets_no_block_covers_are_cut_by_max_block_bytes_and_a_second_run_writes_nothing()
    {
        var first = await ReplayAsync("--topic", Topic, "--partition", "0", "--from", "0", "--to", "9",
            "--max-block-bytes", (4 * _recordBytes).ToString(), "--rate", "200");
        var second = await ReplayAsync("--partition", "0", "--max-block-bytes", (4 * _recordBytes).ToString());

        first.ExitCode.Should().Be(0, first.ToString());
        first.Output.Should().Contain("no block: replay, cut by --max-block-bytes")
            .And.Contain("replay: 3 range(s) replayed, 0 skipped, 0 no longer in the log")
            .And.Contain("blocks: 6 written, 0 existing")
            .And.Contain("records: 10 (0 undecodable), spans written: 10");
        var expected = new[] { (0L, 3L), (4L, 7L), (8L, 9L) }
            .SelectMany(r => new[] { ("shop", r), ("other", r) })
            .Select(b => BlockId.FromLineage(b.Item1, Topic, 0, b.r.Item1, b.r.Item2));
        (await ListAsync()).Should().BeEquivalentTo(expected);
        second.ExitCode.Should().Be(0, second.ToString());
        second.Output.Should().Contain("covered by blocks: skip (--force replays it)")
            .And.Contain("replay: 0 range(s) replayed, 3 skipped")
            .And.Contain("blocks: 0 written");
        (await ListAsync()).Should().HaveCount(6);
    }

    [Fact]
    public async Task With_force_a_deleted_block_comes_back_with_its_id_and_identical_bytes()
    {
        (await ReplayAsync("--partition", "0", "--max-block-bytes", (5 * _recordBytes).ToString())).ExitCode.Should().Be(0);
        var deleted = BlockId.FromLineage("shop", Topic, 0, 5, 9);
        var store = new LocalObjectStore(Blocks);
        var data = await store.GetAsync(BlockPaths.Data("shop", deleted));
        Directory.Delete(Path.Combine(Blocks, "shop", deleted.ToString("D")), recursive: true);

        // the default --max-block-bytes would cut 0-9 as one range: --force keeps the recorded 0-4 and 5-9
        var result = await ReplayAsync("--partition", "0", "--force");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain($"written shop/{deleted:D}")
            .And.Contain("replay: 2 range(s) replayed, 0 skipped")
            .And.Contain("blocks: 1 written, 3 existing");
        (await store.GetAsync(BlockPaths.Data("shop", deleted))).Should().Equal(data);
        (await ListAsync()).Should().HaveCount(4);
    }

    [Fact]
    public async Task Times_select_the_records_stamped_between_them()
    {
        var result = await ReplayAsync("--partition", "0", "--from", "2026-11-21T10:02:30Z", "--to", "2026-11-21T10:05:00Z");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("plan tempo-ingest/0 offsets 3-5");
        (await ListAsync()).Should().BeEquivalentTo([BlockId.FromLineage("shop", Topic, 0, 3, 5), BlockId.FromLineage("other", Topic, 0, 3, 5)]);
    }

    [Fact]
    public async Task Offsets_at_or_past_the_live_stores_committed_offset_are_left_to_it_unless_asked()
    {
        await using (var log = EmbeddedIngestLog.Open(new EmbeddedLogOptions { Path = Log, Partitions = 2 }))
        {
            await log.CommitAsync("live-store", 0, 6, CancellationToken.None);
        }

        var result = await ReplayAsync("--partition", "0");
        var all = await ReplayAsync("--partition", "0", "--include-unflushed");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("plan tempo-ingest/0 offsets 0-9 (live store committed 6)")
            .And.Contain("at or past the committed offset: skip")
            .And.Contain("replay: 1 range(s) replayed, 1 skipped")
            .And.Contain("records: 6 ");
        all.ExitCode.Should().Be(0, all.ToString());
        all.Output.Should().Contain("records: 4 ", "offsets 6-9 are the only ones no block covers now");
        (await ListAsync()).Should().BeEquivalentTo([
            BlockId.FromLineage("shop", Topic, 0, 0, 5), BlockId.FromLineage("other", Topic, 0, 0, 5),
            BlockId.FromLineage("shop", Topic, 0, 6, 9), BlockId.FromLineage("other", Topic, 0, 6, 9)]);
    }

    [Fact]
    public async Task Bad_input_exits_2_with_a_message_and_writes_nothing()
    {
        var fromAfterTo = await ReplayAsync("--partition", "0", "--from", "7", "--to", "3");
        var noPartition = await ReplayAsync("--partition", "0,2");
        var outside = await ReplayAsync("--partition", "0", "--from", "5", "--to", "12");
        var empty = await ReplayAsync("--partition", "1");
        var wrongTopic = await ReplayAsync("--partition", "0", "--topic", "other-topic");
        var badFrom = await ReplayAsync("--partition", "0", "--from", "yesterday");
        var noLog = await CliProcess.RunAsync("replay", "--path", Blocks, "--partition", "0");
        var missingPartition = await ReplayAsync();

        foreach (var result in new[] { fromAfterTo, noPartition, outside, empty, wrongTopic, badFrom, noLog, missingPartition })
        {
            result.ExitCode.Should().Be(2, result.ToString());
        }
        fromAfterTo.Error.Should().Contain("error: --from 7 is after --to 3");
        noPartition.Error.Should().Contain("error: partition 2 does not exist: topic 'tempo-ingest' has partitions 0 to 1");
        outside.Error.Should().Contain("offsets 5-12 are outside the log: offset 12 is not written yet (high watermark 10); the log holds offsets 0-9");
        empty.Error.Should().Contain("partition 1 holds no records");
        wrongTopic.Error.Should().Contain("--topic 'other-topic' but the log holds topic 'tempo-ingest'");
        badFrom.Error.Should().Contain("--from 'yesterday' is neither an offset");
        noLog.Error.Should().Contain("give --log.path (embedded) or --kafka.address (Kafka)");
        missingPartition.Error.Should().Contain("--partition is required");
        (await ListAsync()).Should().BeEmpty();
    }

    private async Task<List<Guid>> ListAsync()
    {
        var store = new LocalObjectStore(Blocks);
        var blocks = new List<Guid>();
        await foreach (var tenant in BlockCatalog.ListTenantsAsync(store))
        {
            await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant))
            {
                entry.Meta.Should().NotBeNull();
                blocks.Add(entry.BlockId);
            }
        }
        return blocks;
    }

    /// <summary>One record holding one single-span trace, as the distributor writes it.</summary>
    private static IngestRecord Record(string tenant, int n, DateTimeOffset time)
    {
        var traceId = new byte[16];
        traceId[0] = 0xC1;
        BitConverter.GetBytes(n).CopyTo(traceId, 12);
        var spanId = new byte[8];
        spanId[0] = 0x5B;
        BitConverter.GetBytes(n).CopyTo(spanId, 4);
        var start = (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100UL;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(spanId),
            Name = "checkout",
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + 20_000_000,
        };
        var trace = new TempoTrace();
        trace.ResourceSpans.Add(new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "api" } } } },
            ScopeSpans = { new ScopeSpans { Spans = { span } } },
        });
        var request = new PushBytesRequest();
        request.Traces.Add(trace.ToByteString());
        request.Ids.Add(ByteString.CopyFrom(traceId));
        return new IngestRecord(System.Text.Encoding.UTF8.GetBytes(tenant), request.ToByteArray(), time);
    }
}
