using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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

    public LevelRunEncoder(int bitWidth)
    {
        if ((uint)bitWidth > 32) throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "the RLE hybrid encodes bit widths 0..32");
        _bitWidth = bitWidth;
    }

    public int BitWidth => _bitWidth;

    /// <summary>Adds one level (already checked against the column's maximum by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int value)
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
    public bool IsEmpty => _output.Length == 0 && _packedGroups == 0 && _pendingCount == 0 && _mode != Mode.Rle;

    /// <summary>
    /// Appends the encoding of every level added since <see cref="Reset"/> to <paramref name="destination"/> without
    /// changing this encoder (the page writer calls <see cref="Reset"/> after the page is written).
    /// </summary>
    public void WriteTo(ByteBuffer destination)
    {
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
        var bytes = destination.Append(width);
        if (width == 0) return;
        if (width <= 8)
        {
            // 8 values of at most 8 bits fit one 64-bit word.
            ulong word = 0;
            for (var k = 0; k < MinRleRun; k++) word |= (ulong)(uint)values[k] << (k * width);
            Span<byte> all = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(all, word);
            all[..width].CopyTo(bytes);
            return;
        }
        // Levels above 255 need a schema nested over 255 deep; a plain bit loop is enough for them.
        PackBits(values, width, bytes);
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
