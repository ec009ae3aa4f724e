using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Encodes one page's definition or repetition levels into the RLE / bit-packing hybrid AS THEY ARRIVE, so a column
/// never buffers one level per entry: an all-null column of millions of entries (vParquet4's ValueDouble, ValueBool,
/// dedicated columns…) costs a few bytes, not an ever-growing level array.
/// </summary>
/// <remarks>
/// The output is byte-identical to <see cref="RleBitPackedHybridEncoder"/> over the same values, which decides the
/// same way: at a decision point (the start, after an RLE run, or at each 8-value group boundary inside a bit-packed
/// run) 8 or more equal values become an RLE run as long as the value repeats; otherwise the next 8 values form a
/// bit-packed group and consecutive groups share one bit-packed run; values left at the end pad the last group.
/// Per value this is a compare and a store; groups are packed 8 at a time.
/// </remarks>
internal sealed class LevelRunEncoder
{
    private const int MinRleRun = 8;

    private enum Mode : byte
    {
        /// <summary>At a decision point: the pending values (fewer than 8) are all equal.</summary>
        Undecided,
        /// <summary>An RLE run of at least 8 values of <see cref="_runValue"/> is being counted.</summary>
        Rle,
        /// <summary>The pending values form a bit-packed group that is filled up to 8 values.</summary>
        GroupFill,
    }

    private readonly int _bitWidth;
    private readonly ByteBuffer _output = new(64);  // finished runs
    private readonly ByteBuffer _packed = new(64);  // groups of the bit-packed run being built (no header yet)
    private int _packedGroups;
    private readonly int[] _pending = new int[MinRleRun];
    private int _pendingCount;
    private int _runValue;
    private int _runLength;
    private Mode _mode;

    // Levels of at most 8 bits are first collected as bytes and encoded in bulk (Drain): one store per level on the
    // hot path, runs found 32 bytes at a time, groups packed with one bit-extract. Wider levels go one by one.
    private readonly byte[] _bytes;
    private int _byteCount;

    public LevelRunEncoder(int bitWidth)
    {
        if ((uint)bitWidth > 32) throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "the RLE hybrid encodes bit widths 0..32");
        _bitWidth = bitWidth;
        _bytes = bitWidth <= 8 ? new byte[ByteBatch] : [];
    }

    private const int ByteBatch = 1024;

    public int BitWidth => _bitWidth;

    /// <summary>Adds one level (already checked against the column's maximum by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int value)
    {
        var count = _byteCount;
        var bytes = _bytes;
        if ((uint)count < (uint)bytes.Length)
        {
            bytes[count] = (byte)value;
            _byteCount = count + 1;
            return;
        }
        AddUnbuffered(value);
    }

    /// <summary>Adds <paramref name="count"/> copies of one level (a column of nulls at one definition level).</summary>
    public void AddRun(int value, int count)
    {
        if (_bytes.Length == 0)
        {
            for (var i = 0; i < count; i++) AddOne(value);
            return;
        }
        while (count > 0)
        {
            if (_byteCount == _bytes.Length) Drain();
            var n = Math.Min(count, _bytes.Length - _byteCount);
            _bytes.AsSpan(_byteCount, n).Fill((byte)value);
            _byteCount += n;
            count -= n;
        }
    }

    /// <summary>Adds the levels of <paramref name="values"/> in order (already checked by the caller).</summary>
    public void AddRange(ReadOnlySpan<byte> values)
    {
        if (_bytes.Length == 0)
        {
            foreach (var value in values) AddOne(value);
            return;
        }
        while (values.Length > 0)
        {
            if (_byteCount == _bytes.Length) Drain();
            var n = Math.Min(values.Length, _bytes.Length - _byteCount);
            values[..n].CopyTo(_bytes.AsSpan(_byteCount));
            _byteCount += n;
            values = values[n..];
        }
    }

    private void AddUnbuffered(int value)
    {
        if (_bytes.Length == 0)
        {
            AddOne(value);
            return;
        }
        Drain();
        _bytes[0] = (byte)value;
        _byteCount = 1;
    }

    /// <summary>
    /// Encodes the collected bytes. At each decision point with 8 levels ahead one 64-bit compare decides: 8 equal
    /// bytes start an RLE run (extended with a vectorized search for its end), anything else is one bit-packed group.
    /// Pending levels from the previous batch and the last few of this one take the one-by-one path.
    /// </summary>
    private void Drain()
    {
        var data = _bytes.AsSpan(0, _byteCount);
        _byteCount = 0;
        var i = 0;
        var n = data.Length;
        while (i < n && _pendingCount > 0) AddOne(data[i++]);
        while (i < n)
        {
            if (_mode == Mode.Rle)
            {
                var value = (byte)_runValue;
                if (data[i] == value)
                {
                    var rest = data[i..];
                    var end = rest.IndexOfAnyExcept(value);
                    if (end < 0)
                    {
                        _runLength += rest.Length;
                        return;
                    }
                    _runLength += end;
                    i += end;
                }
                WriteRleRun(_output, _runValue, _runLength);
                _mode = Mode.Undecided;
            }
            if (n - i < MinRleRun)
            {
                while (i < n) AddOne(data[i++]);
                return;
            }
            var word = BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            var first = data[i];
            if (word == first * 0x0101010101010101UL)
            {
                FlushPackedRun(_output);
                _mode = Mode.Rle;
                _runValue = first;
                _runLength = MinRleRun;
            }
            else
            {
                PackBytes(word, _packed);
                _packedGroups++;
            }
            i += MinRleRun;
        }
    }

    /// <summary>The one-by-one path (levels wider than 8 bits, batch edges): the same decisions, value by value.</summary>
    private void AddOne(int value)
    {
        if (_mode == Mode.Rle)
        {
            if (value == _runValue)
            {
                _runLength++;
                return;
            }
            EndRleRun(value);
            return;
        }
        AddSlow(value);
    }

    private void AddSlow(int value)
    {
        var count = _pendingCount;
        _pending[count++] = value;
        _pendingCount = count;
        if (_mode == Mode.Undecided)
        {
            if (count == 1)
            {
                _runValue = value;
                return;
            }
            if (value == _runValue)
            {
                if (count == MinRleRun)
                {
                    // 8 equal values at a decision point: the bit-packed run before them ends here.
                    FlushPackedRun(_output);
                    _mode = Mode.Rle;
                    _runLength = MinRleRun;
                    _pendingCount = 0;
                }
                return;
            }
            _mode = Mode.GroupFill;
        }
        if (count == MinRleRun)
        {
            PackGroup(_pending, _packed);
            _packedGroups++;
            _pendingCount = 0;
            _mode = Mode.Undecided;
        }
    }

    private void EndRleRun(int next)
    {
        WriteRleRun(_output, _runValue, _runLength);
        _mode = Mode.Undecided;
        _pending[0] = next;
        _pendingCount = 1;
        _runValue = next;
    }

    /// <summary>True when no level was added since the last <see cref="Reset"/>.</summary>
    public bool IsEmpty => _byteCount == 0 && _output.Length == 0 && _packedGroups == 0 && _pendingCount == 0 && _mode != Mode.Rle;

    /// <summary>
    /// Appends the encoding of every level added since <see cref="Reset"/> to <paramref name="destination"/> without
    /// changing the levels it holds (the page writer calls <see cref="Reset"/> after the page is written).
    /// </summary>
    public void WriteTo(ByteBuffer destination)
    {
        if (_byteCount > 0) Drain();
        destination.Write(_output.WrittenSpan);
        if (_mode == Mode.Rle)
        {
            WriteRleRun(destination, _runValue, _runLength);
            return;
        }
        var tailGroups = _pendingCount > 0 ? 1 : 0;
        var groups = _packedGroups + tailGroups;
        if (groups == 0) return;
        destination.WriteUleb128(((ulong)groups << 1) | 1);
        destination.Write(_packed.WrittenSpan);
        if (tailGroups > 0)
        {
            // The last group is padded with zeros (readers stop at the page's value count).
            Span<int> tail = stackalloc int[MinRleRun];
            tail.Clear();
            _pending.AsSpan(0, _pendingCount).CopyTo(tail);
            PackGroup(tail, destination);
        }
    }

    /// <summary>Starts the next page; buffers keep their capacity.</summary>
    public void Reset()
    {
        _byteCount = 0;
        _output.Clear();
        _packed.Clear();
        _packedGroups = 0;
        _pendingCount = 0;
        _runLength = 0;
        _mode = Mode.Undecided;
    }

    private void FlushPackedRun(ByteBuffer destination)
    {
        if (_packedGroups == 0) return;
        destination.WriteUleb128(((ulong)_packedGroups << 1) | 1);
        destination.Write(_packed.WrittenSpan);
        _packed.Clear();
        _packedGroups = 0;
    }

    private void WriteRleRun(ByteBuffer destination, int value, int count)
    {
        destination.WriteUleb128((ulong)count << 1);
        var width = (_bitWidth + 7) >> 3;
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
        destination.Write(bytes[..width]);
    }

    /// <summary>Bit-packs 8 values LSB first into <see cref="_bitWidth"/> bytes (Encodings.md "Bit-packed").</summary>
    private void PackGroup(ReadOnlySpan<int> values, ByteBuffer destination)
    {
        var width = _bitWidth;
        if (width <= 8)
        {
            // 8 values of at most 8 bits fit one 64-bit word.
            ulong word = 0;
            for (var k = 0; k < MinRleRun; k++) word |= (ulong)(uint)values[k] << (k * width);
            WritePacked(word, width, destination);
            return;
        }
        // Levels above 255 need a schema nested over 255 deep; a plain bit loop is enough for them.
        PackBits(values, width, destination.Append(width));
    }

    /// <summary>Packs 8 byte-sized levels (one per byte of <paramref name="word"/>) into <see cref="_bitWidth"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PackBytes(ulong word, ByteBuffer destination)
    {
        var width = _bitWidth;
        ulong packed;
        if (Bmi2.X64.IsSupported)
        {
            // the low `width` bits of each byte, gathered in order: value k lands at bits k*width.. as the format wants
            packed = Bmi2.X64.ParallelBitExtract(word, LowBitsPerByte[width]);
        }
        else
        {
            packed = 0;
            var mask = (1UL << width) - 1;
            for (var k = 0; k < MinRleRun; k++) packed |= ((word >> (8 * k)) & mask) << (k * width);
        }
        WritePacked(packed, width, destination);
    }

    private static readonly ulong[] LowBitsPerByte =
    [
        0, 0x0101010101010101UL, 0x0303030303030303UL, 0x0707070707070707UL, 0x0F0F0F0F0F0F0F0FUL,
        0x1F1F1F1F1F1F1F1FUL, 0x3F3F3F3F3F3F3F3FUL, 0x7F7F7F7F7F7F7F7FUL, 0xFFFFFFFFFFFFFFFFUL,
    ];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WritePacked(ulong packed, int width, ByteBuffer destination)
    {
        // write all 8 bytes, keep `width` of them
        BinaryPrimitives.WriteUInt64LittleEndian(destination.GetSpan(8), packed);
        destination.Advance(width);
    }

    private static void PackBits(ReadOnlySpan<int> values, int width, Span<byte> bytes)
    {
        bytes.Clear();
        var bit = 0;
        for (var k = 0; k < MinRleRun; k++)
        {
            var v = (uint)values[k];
            for (var b = 0; b < width; b++, bit++)
            {
                if (((v >> b) & 1) != 0) bytes[bit >> 3] |= (byte)(1 << (bit & 7));
            }
        }
    }
}
