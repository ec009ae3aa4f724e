using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Builds a page's row-start index in one pass over its levels, straight from the RLE/bit-packed hybrid runs
/// (Encodings.md): a row starts at every repetition level 0, and a row's first value is the number of definition
/// levels equal to the maximum before its first entry. RLE runs are taken whole; bit-packed values are tested up
/// to 64 at a time with one load and a few bit operations. Done once per cached page.
/// </summary>
internal static class RowStarts
{
    private const string Name = "RLE/bit-packed hybrid";

    /// <summary>The level entry where each row starts (length rows + 1, the last is <paramref name="entries"/>).</summary>
    /// <remarks>Optimized at once (no tier-0 JIT): it runs once per page, over tens of thousands of levels, mostly in
    /// the first lookups of a process, which tiered compilation would serve with unoptimized loops.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    /// <param name="checkpoints">For every <see cref="CheckpointRows"/>-th row, the byte offset of the run holding its
    /// first entry and that run's first entry (pairs), so a reader enters the levels there instead of at the page start.</param>
    public static int[] FindRowStarts(ReadOnlySpan<byte> repetitionLevels, int bitWidth, int entries, int rows, out int[] checkpoints)
    {
        var starts = new int[rows + 1];
        checkpoints = new int[2 * CheckpointCount(rows)];
        var found = 0;
        var position = 0;
        var entry = 0;
        var word = new WordLayout(bitWidth);
        while (entry < entries)
        {
            var runAt = position;
            var rowsBefore = found;
            var header = ReadHeader(repetitionLevels, ref position, bitWidth, out var value, out var packedStart, out var count);
            count = Math.Min(count, entries - entry);
            if ((header & 1) == 0)
            {
                if (value == 0)
                {
                    if (found + count > rows) TooManyRows(rows);
                    for (var i = 0; i < count; i++) starts[found++] = entry + i;
                }
            }
            else
            {
                var i = 0;
                for (; word.Values > 0 && i + word.Values <= count; i += word.Values)
                {
                    var zeros = word.ZeroFields(word.Load(repetitionLevels, packedStart + (i >> 3) * bitWidth));
                    if (zeros == 0) continue;
                    if (found + BitOperations.PopCount(zeros) > rows) TooManyRows(rows);
                    for (; zeros != 0; zeros &= zeros - 1) starts[found++] = entry + i + BitOperations.TrailingZeroCount(zeros);
                }
                for (; i < count; i++)
                {
                    if (PackedValue(repetitionLevels, packedStart, i, bitWidth) != 0) continue;
                    if (found == rows) TooManyRows(rows);
                    starts[found++] = entry + i;
                }
            }
            MarkCheckpoints(checkpoints, rowsBefore, found, runAt, entry);
            entry += count;
        }
        if (found != rows) throw new ParquetFormatException($"the page holds {found} rows, the page index gives it {rows}");
        if (rows > 0 && starts[0] != 0) throw new ParquetFormatException("the page's first entry does not start a row (repetition level is not 0)");
        starts[rows] = entries;
        return starts;
    }

    /// <summary>
    /// The value index where each row starts (length rows + 1, the last is the page's value count), or null when the
    /// page has no values or a value in every entry (<paramref name="totalValues"/> says which).
    /// </summary>
    /// <param name="rowEntryStarts">From <see cref="FindRowStarts"/>; null when every entry is a row.</param>
    /// <remarks>A level above the maximum is reported where the run says so; inside a bit-packed group it is caught
    /// when its row is read (the chunk reader checks every level it hands out).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    /// <param name="checkpoints">As <see cref="FindRowStarts"/> gives them, for the definition levels.</param>
    public static int[]? FindValueStarts(
        ReadOnlySpan<byte> definitionLevels, int bitWidth, int maxDefinition, int entries, int[]? rowEntryStarts, int rows, out int totalValues, out int[] checkpoints)
    {
        var starts = new int[rows + 1];
        checkpoints = new int[2 * CheckpointCount(rows)];
        var row = 0;
        var defined = 0;
        var position = 0;
        var entry = 0;
        var word = new WordLayout(bitWidth);
        var full = word.LowBits * (uint)maxDefinition; // the maximum in every field of a word
        while (entry < entries)
        {
            var runAt = position;
            var rowsBefore = row;
            var header = ReadHeader(definitionLevels, ref position, bitWidth, out var value, out var packedStart, out var count);
            count = Math.Min(count, entries - entry);
            var end = entry + count;
            if ((header & 1) == 0)
            {
                if (value > (uint)maxDefinition) throw new ParquetFormatException($"a definition level exceeds the column's maximum {maxDefinition}");
                var isMax = value == (uint)maxDefinition;
                for (int start; row < rows && (start = rowEntryStarts is null ? row : rowEntryStarts[row]) < end; row++)
                {
                    starts[row] = defined + (isMax ? start - entry : 0);
                }
                if (isMax) defined += count;
            }
            else
            {
                var i = 0;
                // Whole words: the fields equal to the maximum as a bit mask; a row starting inside the word takes
                // the count of those in front of it.
                for (; word.Values > 0 && i + word.Values <= count; i += word.Values)
                {
                    var equal = word.ZeroFields(word.Load(definitionLevels, packedStart + (i >> 3) * bitWidth) ^ full);
                    var at = entry + i;
                    for (int start; row < rows && (start = rowEntryStarts is null ? row : rowEntryStarts[row]) < at + word.Values; row++)
                    {
                        starts[row] = defined + BitOperations.PopCount(equal & ((1UL << (start - at)) - 1));
                    }
                    defined += BitOperations.PopCount(equal);
                }
                for (; i < count; i++)
                {
                    var at = entry + i;
                    while (row < rows && (rowEntryStarts is null ? row : rowEntryStarts[row]) == at) starts[row++] = defined;
                    var level = PackedValue(definitionLevels, packedStart, i, bitWidth);
                    if (level == (uint)maxDefinition) defined++;
                    else if (level > (uint)maxDefinition) throw new ParquetFormatException($"a definition level exceeds the column's maximum {maxDefinition}");
                }
            }
            MarkCheckpoints(checkpoints, rowsBefore, row, runAt, entry);
            entry = end;
        }
        totalValues = defined;
        if (defined == 0 || defined == entries) return null;
        starts[rows] = defined;
        return starts;
    }

    /// <summary>
    /// Reads a run header: an RLE run (even header) of <paramref name="count"/> times <paramref name="value"/>, or a
    /// bit-packed run of <paramref name="count"/> values from byte <paramref name="packedStart"/>. A cut-off last
    /// bit-packed run keeps its whole values, as the streaming decoder does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadHeader(ReadOnlySpan<byte> data, ref int position, int bitWidth, out uint value, out int packedStart, out int count)
    {
        // Level pages are mostly short runs, so a one-byte header with a one-byte RLE value is decoded inline.
        if ((uint)(position + 1) < (uint)data.Length && data[position] < 0x80 && (data[position] & 1) == 0 && bitWidth <= 8)
        {
            uint header = data[position];
            value = data[position + 1];
            if (bitWidth < 8 && value >> bitWidth != 0) throw new ParquetFormatException($"{Name}: RLE run value {value} does not fit in {bitWidth} bits");
            position += 2;
            packedStart = 0;
            count = (int)(header >> 1);
            return header;
        }
        return ReadHeaderSlow(data, ref position, bitWidth, out value, out packedStart, out count);
    }

    private static uint ReadHeaderSlow(ReadOnlySpan<byte> data, ref int position, int bitWidth, out uint value, out int packedStart, out int count)
    {
        if (position >= data.Length) throw new ParquetFormatException($"{Name}: more levels were expected than the runs hold");
        var header = Leb128.ReadUInt32(data, ref position, Name);
        var runs = (int)Math.Min(header >> 1, int.MaxValue / 8);
        value = 0;
        packedStart = 0;
        if ((header & 1) == 0)
        {
            var width = (bitWidth + 7) >> 3;
            if (data.Length - position < width)
                throw new ParquetFormatException($"{Name}: an RLE run needs a {width}-byte value, {data.Length - position} bytes remain");
            for (var i = 0; i < width; i++) value |= (uint)data[position + i] << (8 * i);
            if (bitWidth < 32 && value >> bitWidth != 0) throw new ParquetFormatException($"{Name}: RLE run value {value} does not fit in {bitWidth} bits");
            position += width;
            count = runs;
            return header;
        }
        // runs groups of eight values, each group bitWidth bytes
        packedStart = position;
        var bytes = (long)runs * bitWidth;
        count = runs * 8;
        var available = data.Length - position;
        if (bytes > available)
        {
            count = bitWidth == 0 ? count : (int)((long)available * 8 / bitWidth);
            bytes = available;
            if (count == 0) throw new ParquetFormatException($"{Name}: a bit-packed run of {runs} groups has only {available} bytes");
        }
        position += (int)bytes;
        return header;
    }

    /// <summary>
    /// How bit-packed values are taken a 64-bit word at a time: as many whole groups of eight as fit in eight bytes
    /// (8 groups of 1-bit levels, 4 of 2-bit, 2 of 3- or 4-bit, 1 up to 8 bits); wider levels go value by value.
    /// </summary>
    private readonly struct WordLayout
    {
        private readonly int _bitWidth;
        private readonly ulong _wordMask;

        public WordLayout(int bitWidth)
        {
            _bitWidth = bitWidth;
            if (bitWidth is < 1 or > 8) return;
            var groups = 8 / bitWidth;
            Values = 8 * groups;
            _wordMask = Values * bitWidth == 64 ? ulong.MaxValue : (1UL << (Values * bitWidth)) - 1;
            for (var i = 0; i < Values; i++) LowBits |= 1UL << (i * bitWidth);
        }

        /// <summary>Values per word; 0 when the width is not handled word-wise.</summary>
        public int Values { get; }

        /// <summary>The lowest bit of each field of a word.</summary>
        public ulong LowBits { get; }

        /// <summary>The word of packed values at byte <paramref name="at"/> (fewer bytes at the end of the data).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Load(ReadOnlySpan<byte> data, int at)
        {
            ulong word;
            if (data.Length - at >= 8)
            {
                word = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
            }
            else
            {
                word = 0;
                for (var i = 0; at + i < data.Length; i++) word |= (ulong)data[at + i] << (8 * i);
            }
            return word & _wordMask;
        }

        /// <summary>Bit i set where field i of <paramref name="word"/> is zero: OR-ing each field's bits down onto its
        /// lowest bit leaves that bit clear only for zero fields.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong ZeroFields(ulong word)
        {
            var any = word;
            for (var s = 1; s < _bitWidth; s++) any |= word >> s;
            var zeros = ~any & LowBits;
            if (_bitWidth == 1) return zeros;
            if (Bmi2.X64.IsSupported) return Bmi2.X64.ParallelBitExtract(zeros, LowBits);
            ulong mask = 0;
            for (var i = 0; i < Values; i++) mask |= (zeros >> (i * _bitWidth) & 1) << i;
            return mask;
        }
    }

    /// <summary>Value <paramref name="index"/> of a bit-packed run (LSB first within little-endian bytes).</summary>
    private static uint PackedValue(ReadOnlySpan<byte> data, int packedStart, int index, int bitWidth)
        => (uint)BitPacking.ReadBits(data, (long)packedStart * 8 + (long)index * bitWidth, bitWidth);

    /// <summary>Rows between level checkpoints: entering a page's levels costs at most this many rows' runs.</summary>
    public const int CheckpointRows = 16;

    public static int CheckpointCount(int rows) => (rows + CheckpointRows - 1) / CheckpointRows;

    /// <summary>Records the run at byte <paramref name="runAt"/> (first entry <paramref name="runEntry"/>) for the
    /// checkpoint rows among rows <paramref name="fromRow"/> .. <paramref name="toRow"/> - 1, which start in it.</summary>
    private static void MarkCheckpoints(int[] checkpoints, int fromRow, int toRow, int runAt, int runEntry)
    {
        for (var row = (fromRow + CheckpointRows - 1) / CheckpointRows * CheckpointRows; row < toRow; row += CheckpointRows)
        {
            checkpoints[2 * (row / CheckpointRows)] = runAt;
            checkpoints[2 * (row / CheckpointRows) + 1] = runEntry;
        }
    }

    private static void TooManyRows(int rows) => throw new ParquetFormatException($"the page holds more than the {rows} rows the page index gives it");
}
