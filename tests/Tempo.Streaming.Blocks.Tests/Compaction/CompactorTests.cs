using System.Diagnostics.Metrics;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Compaction;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.VParquet4;

namespace Tempo.Streaming.Blocks.Tests.Compaction;

public sealed class CompactorTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset InputTime = CompactionScenario.Now.AddHours(-3).AddMinutes(10);
    private static readonly BlockWriterOptions SmallRowGroups = new() { RowGroupSizeBytes = 20_000 };
    private readonly CompactionScenario _scenario = new(seed: 7);

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task Cut_blocks_are_written_fast_and_larger_and_compaction_gives_back_the_tuned_block_byte_for_byte()
    {
        // The same inputs (same seed) written the live store's way and with the tuned levels, then compacted alike.
        using var tuned = new CompactionScenario(seed: 7);
        var cutInputs = await _scenario.WriteInputsAsync(Tenant, partition: 0, firstOffset: 0, blocks: 3, traceCount: 150, InputTime,
            writerOptions: BlockWriterOptions.Cut);
        var tunedInputs = await tuned.WriteInputsAsync(Tenant, partition: 0, firstOffset: 0, blocks: 3, traceCount: 150, InputTime);
        cutInputs.Blocks.Select(b => b.BlockId).Should().Equal(tunedInputs.Blocks.Select(b => b.BlockId));
        cutInputs.Blocks.Sum(b => b.Size).Should().BeGreaterThan(tunedInputs.Blocks.Sum(b => b.Size),
            "cuts compress every column at zstd level 1, below the tuned levels");

        var compactor = new Compactor(new CompactorOptions());
        (await compactor.RunOnceAsync(_scenario.Store, CompactionScenario.Now)).Errors.Should().BeEmpty();
        (await compactor.RunOnceAsync(tuned.Store, CompactionScenario.Now)).Errors.Should().BeEmpty();

        var fromCuts = (await _scenario.LiveBlocksAsync(Tenant)).Should().ContainSingle().Subject;
        var fromTuned = (await tuned.LiveBlocksAsync(Tenant)).Should().ContainSingle().Subject;
        fromCuts.BlockId.Should().Be(fromTuned.BlockId);
        (await _scenario.Store.GetAsync(BlockPaths.Data(Tenant, fromCuts.BlockId)))
            .Should().Equal(await tuned.Store.GetAsync(BlockPaths.Data(Tenant, fromTuned.BlockId)),
                "the compactor rewrites every page with its own (tuned) levels, whatever the inputs were compressed with");
    }

    [Fact]
    public async Task Merges_the_inputs_into_one_block_holding_every_span_once()
    {
        IReadOnlyList<DedicatedColumn>[] columns =
        [
            [RandomTraces.DedicatedColumns[1]],
            [RandomTraces.DedicatedColumns[0], RandomTraces.DedicatedColumns[1]],
            [RandomTraces.DedicatedColumns[2]],
        ];
        var inputs = await _scenario.WriteInputsAsync(Tenant, partition: 2, firstOffset: 1000, blocks: 3, traceCount: 150, InputTime,
            b => columns[b], SmallRowGroups);
        var compactor = new Compactor(new CompactorOptions { Writer = SmallRowGroups });

        var summary = await compactor.RunOnceAsync(_scenario.Store, CompactionScenario.Now);

        summary.Errors.Should().BeEmpty();
        summary.BlocksIn.Should().Be(3);
        summary.BlocksOut.Should().Be(1);
        summary.Spans.Should().Be(inputs.Spans.Count);
        summary.TracesCombined.Should().BeGreaterThan(0, "the scenario spreads traces over several blocks");

        var live = await _scenario.LiveBlocksAsync(Tenant);
        live.Should().ContainSingle();
        var output = live[0];
        output.BlockId.Should().Be(CompactionJob.OutputBlockId(Tenant, inputs.Blocks));
        output.CompactionLevel.Should().Be(1);
        output.Ingest.Should().BeNull();
        output.IngestRanges.Should().Equal(inputs.Ranges.OrderBy(r => r.FirstOffset));
        output.DedicatedColumns.Should().BeEquivalentTo(RandomTraces.DedicatedColumns);
        output.DedicatedColumns.Should().OnlyHaveUniqueItems();
        output.ReplicationFactor.Should().Be(1);
        output.Size.Should().Be(await _scenario.Store.GetSizeAsync(BlockPaths.Data(Tenant, output.BlockId)));
        output.TotalObjects.Should().Be(inputs.Spans.Keys.Select(k => k.TraceId).Distinct().Count());
        output.TotalRecords.Should().BeGreaterThan(1, "small row groups exercise the streaming row-group cut");
        output.StartTime.Should().Be(inputs.Blocks.Min(b => b.StartTime));
        output.EndTime.Should().Be(inputs.Blocks.Max(b => b.EndTime));

        // Every span exactly once, with the content it had in the inputs.
        var spans = await _scenario.LiveSpansAsync(Tenant);
        SpanKey.Sorted(spans).Should().Equal(SpanKey.Sorted(inputs.Spans.Keys));
        foreach (var span in spans)
        {
            Normalized(span).Should().Be(Normalized(inputs.Spans[SpanKey.Of(span)]));
        }

        var reader = await BlockReader.OpenAsync(_scenario.Store, Tenant, output.BlockId);
        (await reader.VerifyAsync()).Should().BeEmpty();
        var ids = new List<string>();
        await foreach (var trace in reader.ReadAllTracesAsync())
        {
            ids.Add(Convert.ToHexStringLower(trace.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span));
        }
        ids.Should().BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
        foreach (var traceId in inputs.Spans.Keys.Select(k => k.TraceId).Distinct().Take(20))
        {
            var found = await reader.FindTraceByIdAsync(Convert.FromHexString(traceId));
            found!.ResourceSpans.SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans).Select(SpanKey.Of)
                .Should().BeEquivalentTo(inputs.Spans.Keys.Where(k => k.TraceId == traceId));
        }

        foreach (var input in inputs.Blocks)
        {
            var entry = await _scenario.EntryAsync(Tenant, input.BlockId);
            entry.CompactedTime.Should().Be(CompactionScenario.Now);
        }
        var index = await Tempo.Streaming.Blocks.Catalog.TenantIndexBuilder.ReadAsync(_scenario.Store, Tenant);
        index!.Metas.Select(m => m.BlockId).Should().Equal(output.BlockId);
        index.CompactedMetas.Select(m => m.Meta.BlockId).Should().BeEquivalentTo(inputs.Blocks.Select(b => b.BlockId));
    }

    [Fact]
    public async Task A_union_of_dedicated_columns_past_the_ten_spare_columns_keeps_every_attribute()
    {
        // Twelve span columns in all: vParquet4 stores ten, the other two (whichever come last) stay generic attributes.
        var fillers = Enumerable.Range(1, 10).Select(i => new DedicatedColumn(DedicatedColumn.ScopeSpan, $"filler{i}", DedicatedColumn.TypeString)).ToArray();
        IReadOnlyList<DedicatedColumn>[] columns =
        [
            [.. fillers.Take(5), RandomTraces.DedicatedColumns[1]],
            [.. fillers.Skip(5), RandomTraces.DedicatedColumns[2]],
        ];
        var inputs = await _scenario.WriteInputsAsync(Tenant, 0, 0, blocks: 2, traceCount: 60, InputTime, b => columns[b]);

        var summary = await new Compactor().RunOnceAsync(_scenario.Store, CompactionScenario.Now);

        summary.BlocksOut.Should().Be(1);
        var output = (await _scenario.LiveBlocksAsync(Tenant)).Should().ContainSingle().Subject;
        output.DedicatedColumns.Should().HaveCount(12).And.OnlyHaveUniqueItems();
        var spans = await _scenario.LiveSpansAsync(Tenant);
        SpanKey.Sorted(spans).Should().Equal(SpanKey.Sorted(inputs.Spans.Keys));
        spans.Should().Contain(span => span.Attributes.Any(a => a.Key == "instance"))
            .And.Contain(span => span.Attributes.Any(a => a.Key == "region"));
        foreach (var span in spans)
        {
            Normalized(span).Should().Be(Normalized(inputs.Spans[SpanKey.Of(span)]));
        }
    }

    [Fact]
    public async Task Output_id_and_shape_depend_on_the_set_of_inputs_only()
    {
        var inputs = await _scenario.WriteInputsAsync(Tenant, 0, 0, blocks: 3, traceCount: 10, InputTime);

        var forward = CompactionJob.For(Tenant, inputs.Blocks);
        var backward = CompactionJob.For(Tenant, inputs.Blocks.Reverse().ToList());

        backward.Output.BlockId.Should().Be(forward.Output.BlockId);
        backward.Output.IngestRanges.Should().Equal(forward.Output.IngestRanges);
        backward.Inputs.Select(b => b.BlockId).Should().Equal(forward.Inputs.Select(b => b.BlockId));
        CompactionJob.OutputBlockId("tenant-b", inputs.Blocks).Should().NotBe(forward.Output.BlockId);
        CompactionJob.OutputBlockId(Tenant, inputs.Blocks.Take(2)).Should().NotBe(forward.Output.BlockId);
    }

    [Fact]
    public async Task A_second_run_changes_nothing_but_the_tenant_index()
    {
        await _scenario.WriteInputsAsync(Tenant, 0, 0, blocks: 4, traceCount: 40, InputTime);
        var compactor = new Compactor();
        (await compactor.RunOnceAsync(_scenario.Store, CompactionScenario.Now)).BlocksOut.Should().Be(1);
        var before = await _scenario.SnapshotAsync();

        var second = await compactor.RunOnceAsync(_scenario.Store, CompactionScenario.Now.AddMinutes(1));

        second.Should().BeEquivalentTo(CompactionSummary.Empty with { Tenants = 1 });
        var after = await _scenario.SnapshotAsync();
        after.Keys.Should().BeEquivalentTo(before.Keys);
        foreach (var (key, bytes) in before.Where(o => !o.Key.EndsWith(BlockPaths.TenantIndexName, StringComparison.Ordinal)))
        {
            after[key].Should().Equal(bytes, $"{key} must not change");
        }
    }

    [Fact]
    public async Task Compacted_blocks_are_compacted_again_with_the_union_of_their_ranges()
    {
        var first = await _scenario.WriteInputsAsync(Tenant, 0, 0, blocks: 2, traceCount: 20, InputTime);
        var second = await _scenario.WriteInputsAsync(Tenant, 1, 0, blocks: 2, traceCount: 20, InputTime);
        // Two inputs per compaction: the four level-0 blocks become two level-1 blocks, which the next run merges.
        var compactor = new Compactor(new CompactorOptions { MaxInputBlocks = 2 });

        (await compactor.RunOnceAsync(_scenario.Store, CompactionScenario.Now)).BlocksOut.Should().Be(2);
        var summary = await compactor.RunOnceAsync(_scenario.Store, CompactionScenario.Now.AddMinutes(1));

        summary.BlocksOut.Should().Be(1);
        var live = (await _scenario.LiveBlocksAsync(Tenant)).Should().ContainSingle().Subject;
        live.CompactionLevel.Should().Be(2);
        live.IngestRanges.Should().BeEquivalentTo(first.Ranges.Concat(second.Ranges));
        SpanKey.Sorted(await _scenario.LiveSpansAsync(Tenant)).Should().Equal(SpanKey.Sorted(first.Spans.Keys.Concat(second.Spans.Keys)));
    }

    [Fact]
    public async Task A_corrupt_input_fails_its_group_with_its_name_and_the_other_groups_and_tenants_proceed()
    {
        var good = await _scenario.WriteInputsAsync(Tenant, 0, 0, blocks: 2, traceCount: 20, InputTime);
        var bad = await _scenario.WriteInputsAsync(Tenant, 0, 1000, blocks: 2, traceCount: 20, InputTime.AddHours(1));
        var other = await _scenario.WriteInputsAsync("tenant-b", 0, 0, blocks: 2, traceCount: 20, InputTime);
        var corrupt = bad.Blocks[1];
        var dataKey = BlockPaths.Data(Tenant, corrupt.BlockId);
        await _scenario.Store.PutAsync(dataKey, Enumerable.Repeat((byte)0x5a, (int)corrupt.Size).ToArray());
        long errorsCounted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Tempo.Streaming.Compactor" && instrument.Name == "tempodb_compaction_errors_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref errorsCounted, value));
        listener.Start();

        var summary = await new Compactor().RunOnceAsync(_scenario.Store, CompactionScenario.Now);

        var error = summary.Errors.Should().ContainSingle().Subject;
        error.Tenant.Should().Be(Tenant);
        error.BlockId.Should().Be(corrupt.BlockId);
        error.Message.Should().Contain(corrupt.BlockId.ToString("D")).And.Contain("corrupt");
        Interlocked.Read(ref errorsCounted).Should().BeGreaterThanOrEqualTo(1);
        summary.BlocksOut.Should().Be(2, "the good group of tenant-a and tenant-b's group are compacted");

        var liveA = await _scenario.LiveBlocksAsync(Tenant);
        liveA.Select(b => b.BlockId).Should().BeEquivalentTo(
            bad.Blocks.Select(b => b.BlockId).Append(CompactionJob.OutputBlockId(Tenant, good.Blocks)));
        (await _scenario.EntryAsync(Tenant, CompactionJob.OutputBlockId(Tenant, bad.Blocks))).Meta.Should().BeNull();
        (await _scenario.LiveBlocksAsync("tenant-b")).Should().ContainSingle()
            .Which.BlockId.Should().Be(CompactionJob.OutputBlockId("tenant-b", other.Blocks));
    }

    [Fact]
    public void Options_are_validated_with_messages_naming_the_setting()
    {
        var invalid = new (CompactorOptions Options, string Message)[]
        {
            (new() { CompactionWindow = TimeSpan.FromMilliseconds(1500) }, "compaction window"),
            (new() { MaxInputBlocks = 1 }, "max input blocks"),
            (new() { MaxCompactionObjects = 0 }, "max compaction objects"),
            (new() { MaxBlockBytes = 0 }, "max block bytes"),
            (new() { MaxCompactionLevel = 0 }, "max compaction level"),
            (new() { CompactionCycle = TimeSpan.Zero }, "compaction cycle"),
            (new() { ActiveWindow = TimeSpan.FromHours(-1) }, "active window"),
            (new() { BlockRetention = TimeSpan.Zero }, "block retention"),
            (new() { CompactedBlockRetention = TimeSpan.Zero }, "compacted block retention"),
            (new() { Writer = new BlockWriterOptions { RowGroupSizeBytes = 0 } }, "row group size"),
        };
        foreach (var (options, message) in invalid)
        {
            var construct = () => new Compactor(options);
            construct.Should().Throw<ArgumentException>().WithMessage($"*{message}*");
        }
        CompactorOptions.Default.Validate();
    }

    private static Tempo.Streaming.Tempopb.Trace Normalized(OpenTelemetry.Proto.Trace.V1.Span span)
    {
        var trace = new Tempo.Streaming.Tempopb.Trace();
        trace.ResourceSpans.Add(new OpenTelemetry.Proto.Trace.V1.ResourceSpans
        {
            ScopeSpans = { new OpenTelemetry.Proto.Trace.V1.ScopeSpans { Spans = { span.Clone() } } },
        });
        return TraceNormalizer.Normalize(trace);
    }
}
