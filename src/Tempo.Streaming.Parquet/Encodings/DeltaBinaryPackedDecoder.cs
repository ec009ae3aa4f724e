using System.Numerics;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// Decodes DELTA_BINARY_PACKED INT32/INT64 values (see <see cref="DeltaBinaryPackedEncoder"/>) with any block size
/// (a multiple of 128) and miniblock count (miniblocks a multiple of 32 values) the spec allows, without buffering a
/// block: values are unpacked straight from the page. Untrusted input: header, widths and lengths are all checked.
/// </summary>
public sealed class DeltaBinaryPackedDecoder : ValueDecoder
{
    private const string Name = "DELTA_BINARY_PACKED";

    private ReadOnlyMemory<byte> _data;
    private int _position;            // next unread byte (block header or miniblock)
    private int _miniblocksPerBlock;
    private int _valuesPerMiniblock;
    private int _remaining;           // values not yet returned
    private bool _firstPending;
    private long _last;
    private long _minDelta;
    private int _widthsAt;            // offset of the current block's bit-width bytes
    private int _miniblock;           // index of the current miniblock in its block; == count when a block is needed
    private int _miniblockRemaining;  // values left in the current miniblock
    private long _bit;                // bit offset of the next value
    private int _width;

    protected override string EncodingName => Name;

    /// <summary>Values the header announces.</summary>
    public int TotalValueCount { get; private set; }

    /// <summary>Starts decoding at the header at the start of <paramref name="data"/>.</summary>
    public void Reset(ReadOnlyMemory<byte> data)
    {
        _data = data;
        var span = data.Span;
        var position = 0;
        var blockSize = Leb128.ReadUInt32(span, ref position, Name);
        var miniblocks = Leb128.ReadUInt32(span, ref position, Name);
        var total = Leb128.ReadUInt32(span, ref position, Name);
        _last = Leb128.ReadZigZag64(span, ref position, Name);
        if (blockSize == 0 || blockSize % 128 != 0 || miniblocks == 0 || blockSize % miniblocks != 0 || blockSize / miniblocks % 32 != 0)
        {
            EncodingErrors.Corrupt(Name, $"block size {blockSize} with {miniblocks} miniblocks (blocks are multiples of 128, miniblocks multiples of 32 values)");
        }

        if (total > int.MaxValue)
        {
            EncodingErrors.Corrupt(Name, $"value count {total}");
        }

        _position = position;
        _miniblocksPerBlock = (int)miniblocks;
        _valuesPerMiniblock = (int)(blockSize / miniblocks);
        TotalValueCount = (int)total;
        _remaining = (int)total;
        _firstPending = total > 0;
        _miniblock = _miniblocksPerBlock;
        _miniblockRemaining = 0;
    }

    /// <summary>Values not yet read.</summary>
    public int Remaining => _remaining;

    public override void ReadInt32s(Span<int> destination) => ReadCore(destination, 32);

    public override void ReadInt64s(Span<long> destination) => ReadCore(destination, 64);

    public override void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Span<long> scratch = stackalloc long[64];
        while (count > 0)
        {
            var n = Math.Min(count, scratch.Length);
            ReadCore(scratch[..n], 64);
            count -= n;
        }
    }

    /// <summary>
    /// The offset just past the encoded values (after the last miniblock that holds values), found by walking the
    /// block structure without decoding. DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY data continues there.
    /// Call right after <see cref="Reset"/>.
    /// </summary>
    public int FindEnd()
    {
        var span = _data.Span;
        var position = _position;
        long left = Math.Max(TotalValueCount - 1, 0); // deltas
        while (left > 0)
        {
            Leb128.ReadZigZag64(span, ref position, Name);
            if (span.Length - position < _miniblocksPerBlock)
            {
                EncodingErrors.Truncated(Name, "a block's bit widths are cut off");
            }

            var widthsAt = position;
            position += _miniblocksPerBlock;
            for (var m = 0; m < _miniblocksPerBlock && left > 0; m++)
            {
                int width = span[widthsAt + m];
                if (width > 64)
                {
                    EncodingErrors.Corrupt(Name, $"miniblock bit width {width}");
                }

                var full = (long)_valuesPerMiniblock * width / 8;
                var used = Math.Min(left, _valuesPerMiniblock);
                var needed = BitPacking.PackedByteCount(used, width);
                if (needed > span.Length - position)
                {
                    EncodingErrors.Truncated(Name, $"a miniblock needs {needed} bytes, {span.Length - position} remain");
                }

                position += (int)Math.Min(full, span.Length - position);
                left -= used;
            }
        }

        return position;
    }

    private void ReadCore<T>(Span<T> destination, int maxWidth)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (destination.Length > _remaining)
        {
            EncodingErrors.Truncated(Name, $"{destination.Length} values were asked for, {_remaining} remain of {TotalValueCount}");
        }

        var data = _data.Span;
        var i = 0;
        if (_firstPending && destination.Length > 0)
        {
            destination[0] = T.CreateTruncating(_last);
            _firstPending = false;
            _remaining--;
            i = 1;
        }

        while (i < destination.Length)
        {
            if (_miniblockRemaining == 0)
            {
                NextMiniblock(data, maxWidth);
            }

            var n = Math.Min(destination.Length - i, _miniblockRemaining);
            var last = _last;
            var min = _minDelta;
            var bit = _bit;
            var width = _width;
            for (var k = 0; k < n; k++)
            {
                last = unchecked(last + min + (long)BitPacking.ReadBits(data, bit, width));
                bit += width;
                destination[i + k] = T.CreateTruncating(last);
            }

            _last = last;
            _bit = bit;
            _miniblockRemaining -= n;
            _remaining -= n;
            i += n;
        }
    }

    private void NextMiniblock(ReadOnlySpan<byte> data, int maxWidth)
    {
        _miniblock++;
        if (_miniblock >= _miniblocksPerBlock)
        {
            _minDelta = Leb128.ReadZigZag64(data, ref _position, Name);
            if (data.Length - _position < _miniblocksPerBlock)
            {
                EncodingErrors.Truncated(Name, "a block's bit widths are cut off");
            }

            _widthsAt = _position;
            _position += _miniblocksPerBlock;
            _miniblock = 0;
        }

        _width = data[_widthsAt + _miniblock];
        if (_width > maxWidth)
        {
            EncodingErrors.Corrupt(Name, $"miniblock bit width {_width} exceeds {maxWidth} bits");
        }

        // the first value has been returned by now, so every remaining value is a delta
        var used = Math.Min(_valuesPerMiniblock, _remaining);
        var needed = BitPacking.PackedByteCount(used, _width);
        var available = data.Length - _position;
        if (needed > available)
        {
            EncodingErrors.Truncated(Name, $"a miniblock needs {needed} bytes, {available} remain");
        }

        _bit = (long)_position * 8;
        _miniblockRemaining = _valuesPerMiniblock;
        // the last miniblock may be cut short by a lenient writer; only the bytes its values need must be present
        _position += (int)Math.Min((long)_valuesPerMiniblock * _width / 8, available);
    }
}
