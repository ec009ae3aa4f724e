namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// DELTA_BINARY_PACKED (Encodings.md, "Delta Encoding (DELTA_BINARY_PACKED = 5)"): a header
/// <c>&lt;block size&gt; &lt;miniblocks per block&gt; &lt;value count&gt; &lt;zigzag first value&gt;</c>, then blocks of
/// <c>&lt;zigzag min delta&gt; &lt;one bit-width byte per miniblock&gt; &lt;bit-packed (delta - min delta) miniblocks&gt;</c>.
/// Written with blocks of 128 values in 4 miniblocks of 32, as parquet-mr and Arrow do. Deltas use wrapping
/// arithmetic at the column's width (32 bits for INT32, so widths never exceed 32 there), so any mix of extreme
/// values round-trips.
/// </summary>
public static class DeltaBinaryPackedEncoder
{
    public const int BlockSize = 128;
    public const int MiniblocksPerBlock = 4;
    public const int ValuesPerMiniblock = BlockSize / MiniblocksPerBlock;

    public static void Encode(ReadOnlySpan<int> values, ByteBuffer output)
    {
        WriteHeader(values.Length, values.IsEmpty ? 0 : values[0], output);
        Span<long> deltas = stackalloc long[BlockSize];
        for (var start = 1; start < values.Length; start += BlockSize)
        {
            var count = Math.Min(BlockSize, values.Length - start);
            for (var i = 0; i < count; i++)
            {
                deltas[i] = unchecked(values[start + i] - values[start + i - 1]); // 32-bit wrap
            }

            WriteBlock(deltas[..count], is32: true, output);
        }
    }

    public static void Encode(ReadOnlySpan<long> values, ByteBuffer output)
    {
        WriteHeader(values.Length, values.IsEmpty ? 0 : values[0], output);
        Span<long> deltas = stackalloc long[BlockSize];
        for (var start = 1; start < values.Length; start += BlockSize)
        {
            var count = Math.Min(BlockSize, values.Length - start);
            for (var i = 0; i < count; i++)
            {
                deltas[i] = unchecked(values[start + i] - values[start + i - 1]);
            }

            WriteBlock(deltas[..count], is32: false, output);
        }
    }

    private static void WriteHeader(int count, long first, ByteBuffer output)
    {
        output.WriteUleb128(BlockSize);
        output.WriteUleb128(MiniblocksPerBlock);
        output.WriteUleb128((ulong)count);
        output.WriteZigZagLeb128(first);
    }

    private static void WriteBlock(ReadOnlySpan<long> deltas, bool is32, ByteBuffer output)
    {
        var min = deltas[0];
        for (var i = 1; i < deltas.Length; i++)
        {
            if (deltas[i] < min)
            {
                min = deltas[i];
            }
        }

        output.WriteZigZagLeb128(min);
        Span<ulong> relative = stackalloc ulong[ValuesPerMiniblock];
        var widthsAt = output.Length;
        output.Append(MiniblocksPerBlock).Clear(); // unused trailing miniblocks keep width 0
        for (var m = 0; m * ValuesPerMiniblock < deltas.Length; m++)
        {
            var chunk = deltas.Slice(m * ValuesPerMiniblock, Math.Min(ValuesPerMiniblock, deltas.Length - m * ValuesPerMiniblock));
            ulong max = 0;
            relative.Clear(); // padding values of a short last miniblock are zero
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = is32 ? (uint)unchecked((int)chunk[i] - (int)min) : unchecked((ulong)(chunk[i] - min));
                relative[i] = r;
                max |= r;
            }

            var width = BitPacking.RequiredBitWidth(max);
            output.WrittenSpan[widthsAt + m] = (byte)width;
            var bytes = ValuesPerMiniblock * width / 8;
            BitPacking.Pack64(relative, width, output.Append(bytes));
        }
    }
}
