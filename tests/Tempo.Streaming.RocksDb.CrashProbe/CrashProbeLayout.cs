using System.Buffers.Binary;

namespace Tempo.Streaming.RocksDb.CrashProbe;

/// <summary>Keys and values the crash probe writes and the crash test verifies (compiled into both projects).</summary>
internal static class CrashProbeLayout
{
    internal const string TracesColumnFamily = "traces";
    internal const string MetaColumnFamily = "meta";

    /// <summary>Batch number (8, big-endian so keys sort by batch) + index in the batch (4, big-endian).</summary>
    internal const int KeyBytes = 12;

    /// <summary>A value starts with its batch number and index, so a value from another batch cannot pass for this one.</summary>
    internal const int MinValueBytes = 12;

    internal static readonly string[] ColumnFamilies = [TracesColumnFamily, MetaColumnFamily];

    internal static ReadOnlySpan<byte> LastBatchKey => "last-batch"u8;

    internal static void WriteKey(Span<byte> key, long batch, int index)
    {
        BinaryPrimitives.WriteInt64BigEndian(key, batch);
        BinaryPrimitives.WriteInt32BigEndian(key[8..], index);
    }

    internal static (long Batch, int Index) ReadKey(ReadOnlySpan<byte> key) =>
        (BinaryPrimitives.ReadInt64BigEndian(key), BinaryPrimitives.ReadInt32BigEndian(key[8..]));

    /// <summary>Header (batch, index) then a filler derived from both, so torn or mixed-up values are detectable.</summary>
    internal static void WriteValue(Span<byte> value, long batch, int index)
    {
        BinaryPrimitives.WriteInt64BigEndian(value, batch);
        BinaryPrimitives.WriteInt32BigEndian(value[8..], index);
        var seed = (byte)(batch * 31 + index);
        for (var i = MinValueBytes; i < value.Length; i++)
        {
            value[i] = (byte)(seed + i);
        }
    }

    internal static bool IsValueOf(ReadOnlySpan<byte> value, long batch, int index, int valueBytes)
    {
        if (value.Length != valueBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[valueBytes];
        WriteValue(expected, batch, index);
        return value.SequenceEqual(expected);
    }

    internal static void WriteBatchNumber(Span<byte> value, long batch) => BinaryPrimitives.WriteInt64BigEndian(value, batch);

    internal static long ReadBatchNumber(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadInt64BigEndian(value);
}
