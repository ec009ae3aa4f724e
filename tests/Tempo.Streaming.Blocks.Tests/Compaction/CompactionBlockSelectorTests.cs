using Tempo.Streaming.Blocks.Compaction;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Compaction;

public sealed class CompactionBlockSelectorTests
{
    private static readonly DateTimeOffset Now = CompactionScenario.Now;
    private int _next;

    [Fact]
    public void Blocks_merge_only_within_their_window_oldest_window_first_and_never_alone()
    {
        var w1 = Now.AddHours(-5).AddMinutes(10);
        var w2 = Now.AddHours(-3).AddMinutes(10);
        var a = Block(w2, objects: 10);
        var b = Block(w1, objects: 10);
        var c = Block(w2.AddMinutes(30), objects: 5);
        var d = Block(w1.AddMinutes(40), objects: 20);
        var alone = Block(Now.AddHours(-8), objects: 1);

        var jobs = CompactionBlockSelector.Select([a, b, c, d, alone], Now, CompactorOptions.Default);

        jobs.Should().HaveCount(2);
        jobs[0].Should().Equal(b, d);
        jobs[1].Should().Equal(c, a);
    }

    [Fact]
    public void The_active_window_keeps_levels_apart_and_older_windows_do_not()
    {
        var recent = Now.AddHours(-2).AddMinutes(5);
        var old = Now.AddHours(-30).AddMinutes(5);
        var recent0 = Block(recent, level: 0);
        var recent1 = Block(recent, level: 1);
        var old0 = Block(old, level: 0);
        var old1 = Block(old, level: 1);

        var jobs = CompactionBlockSelector.Select([recent0, recent1, old0, old1], Now, CompactorOptions.Default);

        jobs.Should().ContainSingle().Which.Should().BeEquivalentTo([old0, old1]);
    }

    [Fact]
    public void Groups_are_cut_by_the_input_count_objects_and_bytes_bounds_smallest_first()
    {
        var time = Now.AddHours(-2).AddMinutes(5);
        var blocks = Enumerable.Range(1, 5).Select(i => Block(time, objects: i * 10, size: i * 100)).ToList();

        CompactionBlockSelector.Select(blocks, Now, new CompactorOptions { MaxInputBlocks = 2 })
            .Select(job => job.Select(b => b.TotalObjects)).Should().BeEquivalentTo(new[] { new long[] { 10, 20 }, [30, 40] },
                options => options.WithStrictOrdering());
        CompactionBlockSelector.Select(blocks, Now, new CompactorOptions { MaxCompactionObjects = 60 })
            .Should().ContainSingle().Which.Select(b => b.TotalObjects).Should().Equal(10, 20, 30);
        CompactionBlockSelector.Select(blocks, Now, new CompactorOptions { MaxBlockBytes = 250 })
            .Should().BeEmpty("the two smallest blocks together are 300 bytes");
    }

    [Fact]
    public void Blocks_at_the_max_compaction_level_are_left_alone()
    {
        var time = Now.AddHours(-2).AddMinutes(5);
        var blocks = new[] { Block(time, level: 3), Block(time, level: 3) };

        CompactionBlockSelector.Select(blocks, Now, new CompactorOptions { MaxCompactionLevel = 3 }).Should().BeEmpty();
        CompactionBlockSelector.Select(blocks, Now, new CompactorOptions { MaxCompactionLevel = 4 }).Should().ContainSingle();
    }

    private BlockMeta Block(DateTimeOffset end, long objects = 10, long size = 1000, int level = 0) => new()
    {
        BlockId = new Guid(++_next, 0, 0, new byte[8]),
        TenantId = "tenant-a",
        StartTime = end.AddMinutes(-1),
        EndTime = end,
        TotalObjects = objects,
        Size = size,
        CompactionLevel = level,
    };
}
