using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Kafka's record batches and iSCSI use.
/// Uses the CPU's CRC32 instruction (SSE4.2 on x64, CRC32C on Arm64) and falls back to slicing-by-8 tables, so
/// checksumming never dominates the append or recovery path. System.IO.Hashing (which has no CRC-32C anyway) is
/// not available here.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    // Slicing-by-8: Table[k][b] is the CRC of byte b followed by k zero bytes.
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF, as the standard defines).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>Continues a running CRC over more data; start with 0xFFFFFFFF and complement the final value.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            return AppendSse42X64(crc, data);
        }
        if (Crc32.Arm64.IsSupported)
        {
            return AppendArm64(crc, data);
        }
        return AppendSoftware(crc, data);
    }

    internal static uint AppendSoftware(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = Table;
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (int)(lo & 0xFF)] ^ t[(6 * 256) + (int)((lo >> 8) & 0xFF)]
                ^ t[(5 * 256) + (int)((lo >> 16) & 0xFF)] ^ t[(4 * 256) + (int)(lo >> 24)]
                ^ t[(3 * 256) + (int)(hi & 0xFF)] ^ t[(2 * 256) + (int)((hi >> 8) & 0xFF)]
                ^ t[256 + (int)((hi >> 16) & 0xFF)] ^ t[(int)(hi >> 24)];
            data = data[8..];
        }
        foreach (byte b in data)
        {
            crc = t[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        }
        return crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint AppendSse42X64(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;
        ulong crc64 = crc;
        for (; i + 8 <= length; i += 8)
        {
            crc64 = Sse42.X64.Crc32(crc64, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }
        crc = (uint)crc64;
        for (; i < length; i++)
        {
            crc = Sse42.Crc32(crc, Unsafe.Add(ref start, i));
        }
        return crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint AppendArm64(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;
        for (; i + 8 <= length; i += 8)
        {
            crc = Crc32.Arm64.ComputeCrc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }
        for (; i < length; i++)
        {
            crc = Crc32.ComputeCrc32C(crc, Unsafe.Add(ref start, i));
        }
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint b = 0; b < 256; b++)
        {
            uint crc = b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }
            table[b] = crc;
        }
        for (int b = 0; b < 256; b++)
        {
            for (int k = 1; k < 8; k++)
            {
                uint previous = table[((k - 1) * 256) + b];
                table[(k * 256) + b] = table[(int)(previous & 0xFF)] ^ (previous >> 8);
            }
        }
        return table;
    }
}
