using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Tempo.Streaming.Ring.Proto;

namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// The records of the ring topic (protos/tempostreaming/partition_ring.proto): key <c>partition/&lt;id&gt;</c> with a
/// <c>RingPartition</c> value, key <c>owner/&lt;instance id&gt;</c> with a <c>RingOwner</c> value, an empty value
/// meaning the key was deleted (the Kafka adapter writes it as a tombstone, so compaction eventually drops the key).
/// Timestamps travel as Unix milliseconds.
/// </summary>
internal static class RingRecordCodec
{
    public const string PartitionKeyPrefix = "partition/";
    public const string OwnerKeyPrefix = "owner/";

    public static byte[] PartitionKey(int id) => Encoding.UTF8.GetBytes(PartitionKeyPrefix + id.ToString(CultureInfo.InvariantCulture));

    public static byte[] OwnerKey(string instanceId) => Encoding.UTF8.GetBytes(OwnerKeyPrefix + instanceId);

    public static byte[] Encode(PartitionDesc partition) => new RingPartition
    {
        Id = partition.Id,
        State = (int)partition.State,
        StateTimestampUnixMs = partition.StateTimestamp.ToUnixTimeMilliseconds(),
    }.ToByteArray();

    public static byte[] Encode(OwnerDesc owner) => new RingOwner
    {
        InstanceId = owner.InstanceId,
        Partition = owner.Partition,
        Zone = owner.Zone,
        HttpAddress = owner.HttpAddress,
        State = (int)owner.State,
        UpdatedTimestampUnixMs = owner.UpdatedTimestamp.ToUnixTimeMilliseconds(),
        HeartbeatUnixMs = owner.Heartbeat.ToUnixTimeMilliseconds(),
    }.ToByteArray();

    /// <summary>
    /// Decodes one ring record. Returns false with a reason for a record this version cannot use (unknown key, a value
    /// that does not parse or disagrees with its key); the store skips such records and keeps tailing.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out RingEntry entry, out string reason)
    {
        entry = default;
        string keyText;
        try
        {
            keyText = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(key);
        }
        catch (DecoderFallbackException)
        {
            reason = "the key is not UTF-8";
            return false;
        }

        if (keyText.StartsWith(PartitionKeyPrefix, StringComparison.Ordinal))
        {
            if (!Utf8Parser.TryParse(key[PartitionKeyPrefix.Length..], out int id, out var consumed) || consumed != key.Length - PartitionKeyPrefix.Length || id < 0)
            {
                reason = "the partition ID in the key is not a non-negative integer";
                return false;
            }

            if (value.IsEmpty)
            {
                entry = new RingEntry(keyText, id, null, null);
                reason = "";
                return true;
            }

            RingPartition message;
            try
            {
                message = RingPartition.Parser.ParseFrom(value);
            }
            catch (InvalidProtocolBufferException e)
            {
                reason = "the value is not a RingPartition message: " + e.Message;
                return false;
            }

            if (message.Id != id)
            {
                reason = $"the value describes partition {message.Id}";
                return false;
            }

            entry = new RingEntry(keyText, id, new PartitionDesc(id, (PartitionState)message.State,
                DateTimeOffset.FromUnixTimeMilliseconds(message.StateTimestampUnixMs)), null);
            reason = "";
            return true;
        }

        if (keyText.StartsWith(OwnerKeyPrefix, StringComparison.Ordinal) && keyText.Length > OwnerKeyPrefix.Length)
        {
            var instanceId = keyText[OwnerKeyPrefix.Length..];
            if (value.IsEmpty)
            {
                entry = new RingEntry(keyText, -1, null, null) { OwnerId = instanceId };
                reason = "";
                return true;
            }

            RingOwner message;
            try
            {
                message = RingOwner.Parser.ParseFrom(value);
            }
            catch (InvalidProtocolBufferException e)
            {
                reason = "the value is not a RingOwner message: " + e.Message;
                return false;
            }

            if (!string.Equals(message.InstanceId, instanceId, StringComparison.Ordinal))
            {
                reason = $"the value describes owner '{message.InstanceId}'";
                return false;
            }

            entry = new RingEntry(keyText, -1, null, new OwnerDesc(instanceId, message.Partition, message.Zone, message.HttpAddress,
                (OwnerState)message.State, DateTimeOffset.FromUnixTimeMilliseconds(message.UpdatedTimestampUnixMs),
                DateTimeOffset.FromUnixTimeMilliseconds(message.HeartbeatUnixMs))) { OwnerId = instanceId };
            reason = "";
            return true;
        }

        reason = $"unknown key (expected '{PartitionKeyPrefix}<id>' or '{OwnerKeyPrefix}<instance id>')";
        return false;
    }
}

/// <summary>
/// One decoded ring record: a partition entry (<see cref="PartitionId"/> ≥ 0) or an owner entry
/// (<see cref="OwnerId"/> set); <see cref="Partition"/> and <see cref="Owner"/> are null for a deletion.
/// </summary>
internal readonly record struct RingEntry(string Key, int PartitionId, PartitionDesc? Partition, OwnerDesc? Owner)
{
    public string? OwnerId { get; init; }

    public PartitionRingDesc ApplyTo(PartitionRingDesc ring)
    {
        if (OwnerId is null)
        {
            if (Partition is not null)
            {
                return ring.Partitions.TryGetValue(PartitionId, out var old) && old == Partition ? ring : ring.WithPartition(Partition);
            }

            return ring.Partitions.ContainsKey(PartitionId) ? ring.WithoutPartition(PartitionId) : ring;
        }

        if (Owner is not null)
        {
            return ring.Owners.TryGetValue(OwnerId, out var old) && old == Owner ? ring : ring.WithOwner(Owner);
        }

        return ring.Owners.ContainsKey(OwnerId) ? ring.WithoutOwner(OwnerId) : ring;
    }
}
