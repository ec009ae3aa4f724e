using System.Buffers.Binary;
using System.Text;
using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.LiveStore.Storage;

/// <summary>
/// Key layout of the live store's RocksDB (ARCHITECTURE.md §5). Every data key starts with <c>tenant \0</c> — tenant IDs
/// cannot contain NUL (Tempo's tenant rules, <see cref="Tempo.Streaming.Core.Tenants"/>) — so a tenant's keys form one
/// contiguous range no other tenant's prefix can reach. Integers are big-endian so byte order is numeric order.
/// <code>
/// traces:  tenant \0 traceID(16) partition(4) offset(8) idx(4)             → marshalled tempopb.Trace fragment
/// index:   tenant \0 'S' traceID(16)                                       → TraceSummary
///          tenant \0 'K' minute(4) scope(1) name                           → (empty)   tag name seen in that minute
///          tenant \0 'V' minute(4) scope(1) nameLength(2) name type(1) value → (empty)   tag value seen in that minute
/// ledger:  'R' partition(4) offset(8)                                     → record: timestamp ms(8) bytes(4) fragments(4)
///          'F' partition(4) offset(8) idx(4)                               → tenant \0 traceID(16) spans(4) of that fragment
/// meta:    'C' topic \0 partition(4)                                       → next offset to consume (8)
///          'B' topic \0 partition(4)                                       → next offset not yet in a block (8)
///          'D' partition(4) firstOffset(8)                                 → lastOffset(8) flushedAt ms(8): flushed, to delete
///          'E' partition(4) firstOffset(8)                                 → lastOffset(8): flushed, held no span (no block)
///          'I' partition(4)                                                → firstOffset(8) lastOffset(8): a cut under way
///          'L'                                                             → layout version (4)
/// </code>
/// The ledger lists what each record brought in offset order, so a block cut reads exactly the fragments of an offset
/// range (without it every cut would scan the whole store) and deleting a flushed range knows every key it wrote.
/// The partition is part of the fragment key (ARCHITECTURE.md lists only offset): after a ring change one trace can
/// arrive through two partitions, and equal offsets in different partitions must not overwrite each other.
/// Tag keys lead with the minute (of the span's start time) so a start/end window is a key range and whole minutes can
/// later be dropped with one range delete when they are flushed to blocks.
/// </summary>
internal static class LiveStoreKeys
{
    public const byte Separator = 0;
    public const byte SummaryTag = (byte)'S';
    public const byte TagNameTag = (byte)'K';
    public const byte TagValueTag = (byte)'V';

    public const int FragmentSuffixLength = 16 + 4 + 8 + 4;
    public const int MaxIndexedNameLength = ushort.MaxValue;

    public static byte[] TenantPrefix(string tenant)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(tenant) + 1];
        Encoding.UTF8.GetBytes(tenant, bytes);
        bytes[^1] = Separator;
        return bytes;
    }

    // ---- traces ----

    /// <summary>Writes the fragment key; <paramref name="destination"/> must hold tenantPrefix + <see cref="FragmentSuffixLength"/>.</summary>
    public static int WriteFragmentKey(Span<byte> destination, ReadOnlySpan<byte> tenantPrefix, ReadOnlySpan<byte> traceId,
        int partition, long offset, int index)
    {
        tenantPrefix.CopyTo(destination);
        var rest = destination[tenantPrefix.Length..];
        traceId.CopyTo(rest);
        BinaryPrimitives.WriteInt32BigEndian(rest[16..], partition);
        BinaryPrimitives.WriteInt64BigEndian(rest[20..], offset);
        BinaryPrimitives.WriteInt32BigEndian(rest[28..], index);
        return tenantPrefix.Length + FragmentSuffixLength;
    }

    /// <summary>[lower, upper) covering every fragment of one trace.</summary>
    public static (byte[] Lower, byte[] Upper) TraceRange(ReadOnlySpan<byte> tenantPrefix, ReadOnlySpan<byte> traceId)
    {
        var lower = new byte[tenantPrefix.Length + 16];
        tenantPrefix.CopyTo(lower);
        traceId.CopyTo(lower.AsSpan(tenantPrefix.Length));
        return (lower, Successor(lower));
    }

    // ---- index: trace summaries ----

    public static int WriteSummaryKey(Span<byte> destination, ReadOnlySpan<byte> tenantPrefix, ReadOnlySpan<byte> traceId)
    {
        tenantPrefix.CopyTo(destination);
        destination[tenantPrefix.Length] = SummaryTag;
        traceId.CopyTo(destination[(tenantPrefix.Length + 1)..]);
        return tenantPrefix.Length + 17;
    }

    // ---- index: tag names and values ----

    /// <summary>Start of the tag-name keys of one minute and scope: <c>tenant \0 'K' minute scope</c>.</summary>
    public static int WriteTagNamePrefix(Span<byte> destination, ReadOnlySpan<byte> tenantPrefix, uint minute, AttributeScope scope)
    {
        tenantPrefix.CopyTo(destination);
        var rest = destination[tenantPrefix.Length..];
        rest[0] = TagNameTag;
        BinaryPrimitives.WriteUInt32BigEndian(rest[1..], minute);
        rest[5] = (byte)scope;
        return tenantPrefix.Length + 6;
    }

    /// <summary>Start of the tag-value keys of one minute, scope and name: <c>tenant \0 'V' minute scope length name</c>.</summary>
    public static int WriteTagValuePrefix(Span<byte> destination, ReadOnlySpan<byte> tenantPrefix, uint minute, AttributeScope scope,
        ReadOnlySpan<byte> name)
    {
        tenantPrefix.CopyTo(destination);
        var rest = destination[tenantPrefix.Length..];
        rest[0] = TagValueTag;
        BinaryPrimitives.WriteUInt32BigEndian(rest[1..], minute);
        rest[5] = (byte)scope;
        BinaryPrimitives.WriteUInt16BigEndian(rest[6..], (ushort)name.Length);
        name.CopyTo(rest[8..]);
        return tenantPrefix.Length + 8 + name.Length;
    }

    // ---- meta ----

    public static byte[] ConsumedOffsetKey(string topic, int partition)
    {
        var topicLength = Encoding.UTF8.GetByteCount(topic);
        var key = new byte[1 + topicLength + 1 + 4];
        key[0] = (byte)'C';
        Encoding.UTF8.GetBytes(topic, key.AsSpan(1));
        key[1 + topicLength] = Separator;
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(2 + topicLength), partition);
        return key;
    }

    /// <summary>The next offset not yet in a block of a partition (<c>'B'</c>): the live store's flushed offset.</summary>
    public static byte[] FlushedOffsetKey(string topic, int partition)
    {
        var key = ConsumedOffsetKey(topic, partition);
        key[0] = (byte)'B';
        return key;
    }

    public const byte PendingDeletionTag = (byte)'D';
    public const byte EmptyRangeTag = (byte)'E';
    public const byte CutIntentTag = (byte)'I';

    /// <summary><c>tag partition(4) firstOffset(8)</c>: a flushed range waiting for deletion ('D') or one that held no span ('E').</summary>
    public static byte[] RangeKey(byte tag, int partition, long firstOffset)
    {
        var key = new byte[13];
        key[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(1), partition);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(5), firstOffset);
        return key;
    }

    public static byte[] RangePrefix(byte tag, int partition)
    {
        var key = new byte[5];
        key[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(1), partition);
        return key;
    }

    public static readonly byte[] LayoutVersionKey = [(byte)'L'];

    /// <summary>Present while the database is closed cleanly (every memtable flushed); deleted when it is opened.</summary>
    public static readonly byte[] ClosedCleanlyKey = [(byte)'Z'];

    // ---- ledger ----

    public const byte RecordTag = (byte)'R';
    public const byte LedgerFragmentTag = (byte)'F';
    public const int RecordKeyLength = 13;
    public const int LedgerFragmentKeyLength = 17;
    public const int RecordValueLength = 16;

    /// <summary><c>'R' partition(4) offset(8)</c>.</summary>
    public static void WriteRecordKey(Span<byte> destination, int partition, long offset)
    {
        destination[0] = RecordTag;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], partition);
        BinaryPrimitives.WriteInt64BigEndian(destination[5..], offset);
    }

    /// <summary><c>'F' partition(4) offset(8) idx(4)</c>.</summary>
    public static void WriteLedgerFragmentKey(Span<byte> destination, int partition, long offset, int index)
    {
        destination[0] = LedgerFragmentTag;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], partition);
        BinaryPrimitives.WriteInt64BigEndian(destination[5..], offset);
        BinaryPrimitives.WriteInt32BigEndian(destination[13..], index);
    }

    /// <summary>[lower, upper) of the ledger keys with <paramref name="tag"/> of offsets first..last of a partition.</summary>
    public static (byte[] Lower, byte[] Upper) LedgerRange(byte tag, int partition, long firstOffset, long lastOffset)
    {
        var lower = new byte[RecordKeyLength];
        var upper = new byte[RecordKeyLength];
        WriteRecordKey(lower, partition, firstOffset);
        WriteRecordKey(upper, partition, lastOffset + 1);
        lower[0] = tag;
        upper[0] = tag;
        return (lower, upper);
    }

    /// <summary>The smallest key greater than every key starting with <paramref name="prefix"/> (an exclusive upper bound).</summary>
    public static byte[] Successor(ReadOnlySpan<byte> prefix)
    {
        var upper = prefix.ToArray();
        for (var i = upper.Length - 1; i >= 0; i--)
        {
            if (upper[i] != 0xFF)
            {
                upper[i]++;
                return upper.AsSpan(0, i + 1).ToArray();
            }
        }

        throw new ArgumentException("a prefix of only 0xFF bytes has no successor", nameof(prefix));
    }

    /// <summary>Minute bucket of a span start time (unix nanoseconds), clamped to the uint range.</summary>
    public static uint MinuteOf(ulong unixNanos) => (uint)Math.Min(unixNanos / 60_000_000_000UL, uint.MaxValue);

    public static uint MinuteOfSeconds(long unixSeconds) =>
        unixSeconds <= 0 ? 0 : (uint)Math.Min((ulong)unixSeconds / 60UL, uint.MaxValue);
}
