using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tempo.Streaming.Core.Wire;

/// <summary>
/// A bounds-checked forward reader over one protobuf message that lives inside a larger payload. Positions are
/// absolute offsets into the whole payload, so every error can say exactly where the input is broken
/// ("... in ResourceSpans at byte 123"). Nested messages are read with a new reader over the sub-range, which costs
/// nothing: no copy, no allocation. Malformed input throws <see cref="InvalidProtobufException"/>, the only failure
/// a caller must handle; a reader never reads outside its range.
/// <para>
/// The field number passed to each read only names the field in error messages; the message name given at
/// construction does the same for the message.
/// </para>
/// </summary>
public ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private readonly int _end;
    private readonly string _message;
    private int _position;
    private int _tagStart;

    /// <summary>A reader over <c>payload[start..end)</c>, a message called <paramref name="message"/> in errors.</summary>
    public ProtoReader(ReadOnlySpan<byte> payload, int start, int end, string message)
    {
        // The unchecked reads below rely on start <= end <= payload.Length.
        if ((uint)start > (uint)end || (uint)end > (uint)payload.Length)
        {
            ThrowRange(start, end, payload.Length);
        }

        _payload = payload;
        _position = start;
        _end = end;
        _message = message;
    }

    /// <summary>A reader over the whole of <paramref name="message"/>; positions in errors are relative to it.</summary>
    public ProtoReader(ReadOnlySpan<byte> message, string messageName)
        : this(message, 0, message.Length, messageName)
    {
    }

    public readonly int Position => _position;

    /// <summary>The byte at <paramref name="index"/>, which the caller has checked is below <c>_end</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly byte At(int index) => Unsafe.Add(ref MemoryMarshal.GetReference(_payload), (nint)(uint)index);

    /// <summary>Reads the next tag; false at the end of the message.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _end)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var tagStart = _position;
        _tagStart = tagStart;
        uint tag;
        var b = At(_position);
        if (b < 0x80)
        {
            tag = b;
            _position++;
        }
        else
        {
            var value = ReadVarintSlow(0);
            if (value > uint.MaxValue)
            {
                ThrowInvalid($"tag varint overflows 32 bits in {_message} at byte {tagStart}");
            }

            tag = (uint)value;
        }

        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (field == 0)
        {
            ThrowInvalid($"field number 0 in {_message} at byte {tagStart}");
        }

        if (wireType > WireType.Fixed32)
        {
            ThrowInvalid($"unknown wire type {(int)wireType} for field {field} in {_message} at byte {tagStart}");
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint(int field)
    {
        if (_position < _end)
        {
            var b = At(_position);
            if (b < 0x80)
            {
                _position++;
                return b;
            }

            // Two-byte varints (128..16383) are the common length of spans and attribute values.
            if (_position + 1 < _end)
            {
                var b2 = At(_position + 1);
                if (b2 < 0x80)
                {
                    _position += 2;
                    return (b & 0x7Fu) | ((ulong)b2 << 7);
                }
            }
        }

        return ReadVarintSlow(field);
    }

    /// <summary>Reads a field whose schema type is a varint (int32/64, uint32/64, bool, enum), rejecting any other wire type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint(int field, WireType wireType)
    {
        if (wireType != WireType.Varint)
        {
            ThrowWrongWireType(field, wireType, WireType.Varint);
        }

        return ReadVarint(field);
    }

    private ulong ReadVarintSlow(int field)
    {
        var start = _position;
        switch (Varint.Read(_payload[start.._end], out var value, out var length))
        {
            case OperationStatus.Done:
                _position = start + length;
                return value;
            case OperationStatus.NeedMoreData:
                ThrowInvalid($"truncated varint field {field} in {_message} at byte {start}");
                return 0;
            default:
                // Past ten bytes, or a tenth byte carrying more than the single remaining bit of a 64-bit value.
                ThrowInvalid($"malformed varint field {field} in {_message} at byte {start}");
                return 0;
        }
    }

    /// <summary>Reads a length-delimited value and returns its absolute start and length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (int Start, int Length) ReadLengthDelimited(int field)
    {
        var lengthStart = _position;
        var length = ReadVarint(field);
        if (length > (ulong)(_end - _position))
        {
            ThrowInvalid($"truncated length-delimited field {field} in {_message} at byte {lengthStart}" +
                         $" (length {length}, {_end - _position} bytes left)");
        }

        var start = _position;
        _position += (int)length;
        return (start, (int)length);
    }

    /// <summary>Reads a field whose schema type is length-delimited, rejecting any other wire type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (int Start, int Length) ReadLengthDelimited(int field, WireType wireType)
    {
        if (wireType != WireType.LengthDelimited)
        {
            ThrowWrongWireType(field, wireType, WireType.LengthDelimited);
        }

        return ReadLengthDelimited(field);
    }

    /// <summary>Reads a length-delimited field (string, bytes, message) as a slice of the payload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadBytes(int field, WireType wireType)
    {
        var (start, length) = ReadLengthDelimited(field, wireType);
        return _payload.Slice(start, length);
    }

    /// <summary>Reads a fixed64, sfixed64 or double field (little-endian), rejecting any other wire type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadFixed64(int field, WireType wireType)
    {
        if (wireType != WireType.Fixed64)
        {
            ThrowWrongWireType(field, wireType, WireType.Fixed64);
        }

        var start = _position;
        Advance(field, 8);
        return BinaryPrimitives.ReadUInt64LittleEndian(_payload.Slice(start, 8));
    }

    /// <summary>Reads a fixed32, sfixed32 or float field (little-endian), rejecting any other wire type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadFixed32(int field, WireType wireType)
    {
        if (wireType != WireType.Fixed32)
        {
            ThrowWrongWireType(field, wireType, WireType.Fixed32);
        }

        var start = _position;
        Advance(field, 4);
        return BinaryPrimitives.ReadUInt32LittleEndian(_payload.Slice(start, 4));
    }

    /// <summary>Skips a field of the schema's expected wire type, rejecting any other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SkipExpected(int field, WireType wireType, WireType expected)
    {
        if (wireType != expected)
        {
            ThrowWrongWireType(field, wireType, expected);
        }

        Skip(field, wireType);
    }

    /// <summary>Skips a field of any wire type (unknown fields). Groups are a proto2 feature OTLP and Tempo never use.</summary>
    public void Skip(int field, WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint(field);
                break;
            case WireType.Fixed64:
                Advance(field, 8);
                break;
            case WireType.Fixed32:
                Advance(field, 4);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited(field);
                break;
            default:
                ThrowInvalid($"unsupported group wire type for field {field} in {_message} at byte {_tagStart}");
                break;
        }
    }

    private void Advance(int field, int count)
    {
        if (_end - _position < count)
        {
            ThrowTruncatedFixed(field, count);
        }

        _position += count;
    }

    [DoesNotReturn]
    private readonly void ThrowTruncatedFixed(int field, int count) =>
        ThrowInvalid($"truncated fixed{count * 8} field {field} in {_message} at byte {_position}");

    [DoesNotReturn]
    public readonly void ThrowWrongWireType(int field, WireType actual, WireType expected) =>
        ThrowInvalid($"wrong wire type {(int)actual} ({actual}) for field {field} in {_message} at byte {_tagStart}," +
                     $" expected {(int)expected} ({expected})");

    /// <summary>Throws <see cref="InvalidProtobufException"/> saying <paramref name="what"/> is wrong.</summary>
    [DoesNotReturn]
    public static void ThrowInvalid(string what) => throw new InvalidProtobufException(InvalidProtobufException.Prefix + what);

    [DoesNotReturn]
    private static void ThrowRange(int start, int end, int length) =>
        throw new ArgumentOutOfRangeException(nameof(end), $"message range [{start}, {end}) is not within a payload of {length} bytes");
}
