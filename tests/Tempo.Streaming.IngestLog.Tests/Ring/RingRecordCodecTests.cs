using System.Text;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.IngestLog.Tests.Ring;

/// <summary>Freezes the ring topic's record encoding: members of different versions share the topic.</summary>
public sealed class RingRecordCodecTests
{
    [Fact]
    public void Partition_records_have_a_stable_key_and_protobuf_value()
    {
        var partition = new PartitionDesc(3, PartitionState.Inactive, DateTimeOffset.FromUnixTimeMilliseconds(300));

        Encoding.UTF8.GetString(RingRecordCodec.PartitionKey(3)).Should().Be("partition/3");
        // field 1 (id) = 3, field 2 (state) = 3, field 3 (state_timestamp_unix_ms) = 300 (varint AC 02)
        Convert.ToHexString(RingRecordCodec.Encode(partition)).Should().Be("0803" + "1003" + "18AC02");
    }

    [Fact]
    public void Owner_records_have_a_stable_key_and_protobuf_value()
    {
        var owner = new OwnerDesc("ls-0", 1, "z", "h:1", OwnerState.Active,
            DateTimeOffset.FromUnixTimeMilliseconds(2), DateTimeOffset.FromUnixTimeMilliseconds(3));

        Encoding.UTF8.GetString(RingRecordCodec.OwnerKey("ls-0")).Should().Be("owner/ls-0");
        // 1: "ls-0", 2: 1, 3: "z", 4: "h:1", 5: 1 (OwnerActive), 6: 2, 7: 3
        Convert.ToHexString(RingRecordCodec.Encode(owner)).Should().Be("0A046C732D301001" + "1A017A" + "2203683A31" + "2801" + "3002" + "3803");
    }

    [Fact]
    public void Records_round_trip_and_an_empty_value_is_a_deletion()
    {
        var owner = new OwnerDesc("live-store-zone-b-2", 2, "zone-b", "10.1.2.3:3200", OwnerState.Active,
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_005_000));

        RingRecordCodec.TryDecode(RingRecordCodec.OwnerKey(owner.InstanceId), RingRecordCodec.Encode(owner), out var entry, out _).Should().BeTrue();
        entry.Owner.Should().Be(owner);

        RingRecordCodec.TryDecode(RingRecordCodec.PartitionKey(7), [], out var deletion, out _).Should().BeTrue();
        deletion.PartitionId.Should().Be(7);
        deletion.Partition.Should().BeNull();
        deletion.OwnerId.Should().BeNull();
    }
}
