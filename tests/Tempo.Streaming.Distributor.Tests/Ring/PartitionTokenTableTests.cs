namespace Tempo.Streaming.Distributor.Tests.Ring;

public sealed class PartitionTokenTableTests
{
    [Fact]
    public void A_table_holds_exactly_its_partitions_tokens_whatever_the_order_given()
    {
        var table = PartitionTokenTable.Build([5, 1, 3], tokensPerPartition: 4);
        var again = PartitionTokenTable.Build([3, 5, 1], tokensPerPartition: 4);

        table.Partitions.Should().Equal(1, 3, 5);
        foreach (var partition in new[] { 1, 3, 5 })
        {
            foreach (var token in PartitionTokenTable.TokensOf(partition, 4))
            {
                table.PartitionFor(token - 1).Should().Be(partition, "a key just below a token belongs to that token's partition");
                again.PartitionFor(token - 1).Should().Be(partition);
            }
        }
    }

    [Fact]
    public void The_empty_table_answers_minus_one_and_bad_input_is_refused()
    {
        PartitionTokenTable.Build([]).PartitionFor(7).Should().Be(-1);
        PartitionTokenTable.Build([]).IsEmpty.Should().BeTrue();
        ((Action)(() => PartitionTokenTable.Build([1, 1]))).Should().Throw<ArgumentException>().WithMessage("partition 1 is listed twice*");
        ((Action)(() => PartitionTokenTable.Build([-1]))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => PartitionTokenTable.Build([0], 0))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_fixed_ring_uses_the_shared_layout()
    {
        InMemoryPartitionRing.TokensOf(7, 3).Should().Equal(PartitionTokenTable.TokensOf(7, 3));
    }
}
