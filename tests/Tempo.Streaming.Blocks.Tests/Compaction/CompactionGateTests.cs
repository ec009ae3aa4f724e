using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Compaction;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Compaction;

public sealed class CompactionGateTests : IDisposable
{
    private const string Tenant = "tenant-g";
    private static readonly BlockWriterOptions SmallRowGroups = new() { RowGroupSizeBytes = 20_000 };
    private readonly CompactionScenario _scenario = new(seed: 11);

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task Holds_nest_and_the_gate_opens_when_the_last_one_goes()
    {
        var gate = new CompactionGate();
        gate.IsOpen.Should().BeTrue();
        gate.WaitOpenAsync(CancellationToken.None).IsCompleted.Should().BeTrue();

        var first = gate.Hold();
        var second = gate.Hold();
        var waiting = gate.WaitOpenAsync(CancellationToken.None);
        gate.Waiting.Should().Be(1);
        first.Dispose();
        first.Dispose(); // a second dispose of the same hold releases nothing more
        gate.IsOpen.Should().BeFalse();
        waiting.IsCompleted.Should().BeFalse();

        second.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        gate.IsOpen.Should().BeTrue();
        gate.Waiting.Should().Be(0);
    }

    [Fact]
    public async Task A_wait_is_cancellable()
    {
        var gate = new CompactionGate();
        using var hold = gate.Hold();
        using var cancel = new CancellationTokenSource();
        var waiting = gate.WaitOpenAsync(cancel.Token);

        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        gate.Waiting.Should().Be(0);
    }

    [Fact]
    public async Task A_compaction_pauses_mid_merge_while_the_gate_is_held_and_then_finishes()
    {
        var inputs = await _scenario.WriteInputsAsync(Tenant, partition: 1, firstOffset: 0, blocks: 3, traceCount: 600,
            CompactionScenario.Now.AddHours(-3).AddMinutes(10), _ => [], SmallRowGroups);
        var gate = new CompactionGate();
        var compactor = new Compactor(new CompactorOptions { Writer = SmallRowGroups }) { Gate = gate };
        var hold = gate.Hold();

        var run = compactor.RunOnceAsync(_scenario.Store, CompactionScenario.Now);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (gate.Waiting == 0)
        {
            run.IsCompleted.Should().BeFalse("a held gate stops the merge before it ends");
            DateTime.UtcNow.Should().BeBefore(deadline, "the merge reaches the gate");
            await Task.Delay(10);
        }
        var output = CompactionJob.OutputBlockId(Tenant, inputs.Blocks);
        (await _scenario.Store.ListAsync(BlockPaths.BlockFolder(Tenant, output)).ToListAsync())
            .Should().NotContain(BlockPaths.Meta(Tenant, output), "the output is not finished while the merge waits");

        hold.Dispose();
        var summary = await run.WaitAsync(TimeSpan.FromSeconds(60));

        summary.Errors.Should().BeEmpty();
        summary.BlocksOut.Should().Be(1);
        summary.Spans.Should().Be(inputs.Spans.Count);
        (await _scenario.LiveBlocksAsync(Tenant)).Should().ContainSingle().Which.BlockId.Should().Be(output);
    }
}
