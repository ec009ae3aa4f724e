using System.Buffers.Binary;
using System.Numerics;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// Decodes the RLE / bit-packing hybrid (levels, dictionary indices, RLE booleans) in batches. Reusable: call
/// <see cref="Reset"/> per page. Input is untrusted: a truncated or corrupt run raises <see cref="ParquetFormatException"/>.
/// A final bit-packed run shorter than its header claims is read as far as whole values go, as Arrow and parquet-mr do.
/// </summary>
public sealed class RleBitPackedHybridDecoder
{
    private const string Name = "RLE/bit-packed hybrid";

    private ReadOnlyMemory<byte> _data;
    private int _position;        // next run header
    private int _bitWidth;
    private int _rleRemaining;    // values left in the current RLE run
    private uint _rleValue;
    private int _packedRemaining; // values left in the current bit-packed run
    private long _packedBit;      // bit offset of the next bit-packed value within _data

    public int BitWidth => _bitWidth;

    /// <summary>Starts decoding <paramref name="data"/> (no length prefix) with values of <paramref name="bitWidth"/> (0..32) bits.</summary>
    public void Reset(ReadOnlyMemory<byte> data, int bitWidth)
    {
        if ((uint)bitWidth > 32)
        {
            throw new ParquetFormatException($"{Name} bit width {bitWidth} is out of range 0..32");
        }

        _data = data;
        _bitWidth = bitWidth;
        _position = 0;
        _rleRemaining = 0;
        _packedRemaining = 0;
        _packedBit = 0;
    }

    /// <summary>
    /// Splits DATA_PAGE (v1) level data: a 4-byte little-endian length, then that many bytes. Returns the encoded
    /// levels; <paramref name="consumed"/> is 4 + their length.
    /// </summary>
    public static ReadOnlyMemory<byte> SliceLengthPrefixed(ReadOnlyMemory<byte> data, out int consumed)
    {
        var span = data.Span;
        if (span.Length < 4)
        {
            EncodingErrors.Truncated(Name, $"a level section needs a 4-byte length prefix, {span.Length} bytes remain");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (length < 0 || length > span.Length - 4)
        {
            EncodingErrors.Truncated(Name, $"a level section claims {length} bytes, {span.Length - 4} remain");
        }

        consumed = 4 + length;
        return data.Slice(4, length);
    }

    /// <summary>Reads the bit width byte that prefixes dictionary indices in a data page and starts decoding after it.</summary>
    public void ResetDictionaryIndices(ReadOnlyMemory<byte> data)
    {
        if (data.Length < 1)
        {
            EncodingErrors.Truncated(Name, "dictionary indices need a bit width byte");
        }

        Reset(data[1..], data.Span[0]);
    }

    /// <summary>Fills <paramref name="destination"/> exactly; throws <see cref="ParquetFormatException"/> if the data ends first.</summary>
    public void Read(Span<int> destination) => ReadCore(destination);

    /// <inheritdoc cref="Read(Span{int})"/>
    public void Read(Span<short> destination)
    {
        if (_bitWidth > 15)
        {
            throw new ParquetFormatException($"{Name} values of {_bitWidth} bits do not fit 16-bit levels");
        }

        ReadCore(destination);
    }

    /// <summary>Skips <paramref name="count"/> values.</summary>
    public void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        while (count > 0)
        {
            if (_rleRemaining == 0 && _packedRemaining == 0)
            {
                NextRun();
                continue;
            }

            if (_rleRemaining > 0)
            {
                var n = Math.Min(count, _rleRemaining);
                _rleRemaining -= n;
                count -= n;
            }
            else
            {
                var n = Math.Min(count, _packedRemaining);
                _packedRemaining -= n;
                _packedBit += (long)n * _bitWidth;
                count -= n;
            }
        }
    }

    private void ReadCore<T>(Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        var data = _data.Span;
        var written = 0;
        while (written < destination.Length)
        {
            if (_rleRemaining > 0)
            {
                var n = Math.Min(destination.Length - written, _rleRemaining);
                destination.Slice(written, n).Fill(T.CreateTruncating(_rleValue));
                _rleRemaining -= n;
                written += n;
            }
            else if (_packedRemaining > 0)
            {
                var n = Math.Min(destination.Length - written, _packedRemaining);
                var bit = _packedBit;
                var width = _bitWidth;
                for (var k = 0; k < n; k++)
                {
                    destination[written + k] = T.CreateTruncating(BitPacking.ReadBits(data, bit, width));
                    bit += width;
                }

                _packedBit = bit;
                _packedRemaining -= n;
                written += n;
            }
            else
            {
                NextRun();
            }
        }
    }

    private void NextRun()
    {
        var data = _data.Span;
        if (_position >= data.Length)
        {
            EncodingErrors.Truncated(Name, "more values were expected than the runs hold");
        }

        var header = Leb128.ReadUInt32(data, ref _position, Name);
        var count = (int)(header >> 1);
        if ((header & 1) == 0)
        {
            var width = (_bitWidth + 7) >> 3;
            if (data.Length - _position < width)
            {
                EncodingErrors.Truncated(Name, $"an RLE run needs a {width}-byte value, {data.Length - _position} bytes remain");
            }

            uint value = 0;
            for (var i = 0; i < width; i++)
            {
                value |= (uint)data[_position + i] << (8 * i);
            }

            if (_bitWidth < 32 && value >> _bitWidth != 0)
            {
                EncodingErrors.Corrupt(Name, $"RLE run value {value} does not fit in {_bitWidth} bits");
            }

            _position += width;
            _rleValue = value;
            _rleRemaining = count;
        }
        else
        {
            // count is the number of 8-value groups; a group of bitWidth bits * 8 takes exactly bitWidth bytes.
            var values = (long)count * 8;
            var bytes = (long)count * _bitWidth;
            var available = data.Length - _position;
            if (bytes > available)
            {
                // a truncated last run: keep the whole values that are present
                values = _bitWidth == 0 ? values : (long)available * 8 / _bitWidth;
                bytes = available;
                if (values == 0)
                {
                    EncodingErrors.Truncated(Name, $"a bit-packed run of {count} groups has only {available} bytes");
                }
            }

            _packedBit = (long)_position * 8;
            _packedRemaining = (int)Math.Min(values, int.MaxValue);
            _position += (int)bytes;
        }
    }
}
