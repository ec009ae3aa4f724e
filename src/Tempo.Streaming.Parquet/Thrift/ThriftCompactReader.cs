using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Parquet.Thrift;

/// <summary>
/// Reads the Thrift compact protocol (thrift-compact-protocol.md) from a span: the encoding of every Parquet footer,
/// page header and page index. Input is untrusted: every read is bounds-checked, list sizes are checked against the
/// bytes left (each element takes at least one byte) so a corrupt size cannot cause a huge allocation, and struct
/// nesting is limited to <see cref="MaxDepth"/>. Any problem raises <see cref="ParquetFormatException"/>.
/// Usage per struct: <see cref="ReadStructBegin"/>, loop on <see cref="ReadFieldHeader"/> reading known fields and
/// calling <see cref="Skip"/> for the rest, then <see cref="ReadStructEnd"/>.
/// </summary>
public ref struct ThriftCompactReader
{
    /// <summary>Deepest struct/list nesting accepted (Parquet metadata nests about 6 deep).</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private int _depth;
    private short _lastFieldId;
    private FieldIdStack _fieldIds;
    private byte _pendingBool; // 0 = none, 1 = true, 2 = false: the value a bool field header carried

    public ThriftCompactReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _depth = 0;
        _lastFieldId = 0;
        _pendingBool = 0;
        _fieldIds = default;
    }

    /// <summary>Bytes consumed so far (a page header's length once it is read).</summary>
    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public void ReadStructBegin()
    {
        if (_depth >= MaxDepth)
        {
            Fail($"structures nest deeper than {MaxDepth} levels");
        }

        _fieldIds[_depth++] = _lastFieldId;
        _lastFieldId = 0;
    }

    public void ReadStructEnd()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("ReadStructEnd without ReadStructBegin");
        }

        _lastFieldId = _fieldIds[--_depth];
    }

    /// <summary>Reads the next field header; false at the struct's STOP byte.</summary>
    public bool ReadFieldHeader(out short fieldId, out ThriftType type)
    {
        var header = ReadRawByte();
        if (header == 0)
        {
            fieldId = 0;
            type = ThriftType.Stop;
            return false;
        }

        var compactType = (byte)(header & 0x0F);
        var delta = header >> 4;
        if (delta != 0)
        {
            fieldId = (short)(_lastFieldId + delta);
        }
        else
        {
            var id = ReadZigZag32();
            if (id is < short.MinValue or > short.MaxValue)
            {
                Fail($"field id {id} does not fit in 16 bits");
            }

            fieldId = (short)id;
        }

        _lastFieldId = fieldId;
        type = ToType(compactType);
        _pendingBool = compactType is 1 or 2 ? compactType : (byte)0;
        return true;
    }

    /// <summary>A bool field's value (carried in its header) or a bool list element (one byte, 1 = true).</summary>
    public bool ReadBool()
    {
        if (_pendingBool != 0)
        {
            var value = _pendingBool == 1;
            _pendingBool = 0;
            return value;
        }

        // list elements: the spec has said both "false = 0" and "false = 2"; only 1 means true either way
        return ReadRawByte() == 1;
    }

    public sbyte ReadByte() => (sbyte)ReadRawByte();

    public short ReadI16()
    {
        var value = ReadZigZag32();
        if (value is < short.MinValue or > short.MaxValue)
        {
            Fail($"i16 value {value} is out of range");
        }

        return (short)value;
    }

    public int ReadI32() => ReadZigZag32();

    public long ReadI64()
    {
        var raw = ReadVarint64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public double ReadDouble()
    {
        // compact protocol doubles are little-endian (unlike the binary protocol's)
        return BinaryPrimitives.ReadDoubleLittleEndian(Take(8, "a double"));
    }

    /// <summary>A binary/string field: varint length then the bytes. The span points into the input.</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = ReadVarint32();
        if (length > (uint)Remaining)
        {
            Fail($"a binary of {length} bytes is longer than the {Remaining} bytes left");
        }

        return Take((int)length, "a binary");
    }

    public byte[] ReadBinaryArray() => ReadBinary().ToArray();

    public string ReadString()
    {
        var bytes = ReadBinary();
        try
        {
            return System.Text.Encoding.UTF8.GetString(bytes);
        }
        catch (ArgumentException e)
        {
            throw new ParquetFormatException($"Thrift data is corrupt at byte {_position}: a string is not valid UTF-8", e);
        }
    }

    /// <summary>A list (or set) header: returns the element count, checked against the bytes left.</summary>
    public int ReadListBegin(out ThriftType elementType)
    {
        var header = ReadRawByte();
        var size = header >> 4;
        elementType = ToType((byte)(header & 0x0F));
        long count = size;
        if (size == 15)
        {
            count = ReadVarint32();
        }

        if (count > Remaining)
        {
            Fail($"a list of {count} elements cannot fit in the {Remaining} bytes left");
        }

        return (int)count;
    }

    /// <summary>A map header: returns the entry count (0 means no key/value type byte follows).</summary>
    public int ReadMapBegin(out ThriftType keyType, out ThriftType valueType)
    {
        var count = ReadVarint32();
        if (count == 0)
        {
            keyType = ThriftType.Stop;
            valueType = ThriftType.Stop;
            return 0;
        }

        var types = ReadRawByte();
        keyType = ToType((byte)(types >> 4));
        valueType = ToType((byte)(types & 0x0F));
        if (count > (uint)Remaining)
        {
            Fail($"a map of {count} entries cannot fit in the {Remaining} bytes left");
        }

        return (int)count;
    }

    /// <summary>Skips a value of any type, so fields added by newer writers are passed over.</summary>
    public void Skip(ThriftType type)
    {
        switch (type)
        {
            case ThriftType.Bool:
                ReadBool();
                break;
            case ThriftType.Byte:
                ReadRawByte();
                break;
            case ThriftType.I16:
            case ThriftType.I32:
            case ThriftType.I64:
                ReadVarint64();
                break;
            case ThriftType.Double:
                Take(8, "a double");
                break;
            case ThriftType.Binary:
                ReadBinary();
                break;
            case ThriftType.Uuid:
                Take(16, "a uuid");
                break;
            case ThriftType.Struct:
                ReadStructBegin();
                while (ReadFieldHeader(out _, out var fieldType))
                {
                    Skip(fieldType);
                }

                ReadStructEnd();
                break;
            case ThriftType.List:
            case ThriftType.Set:
            {
                var count = ReadListBegin(out var elementType);
                EnterContainer();
                for (var i = 0; i < count; i++)
                {
                    Skip(elementType);
                }

                _depth--;
                break;
            }

            case ThriftType.Map:
            {
                var count = ReadMapBegin(out var keyType, out var valueType);
                EnterContainer();
                for (var i = 0; i < count; i++)
                {
                    Skip(keyType);
                    Skip(valueType);
                }

                _depth--;
                break;
            }

            default:
                Fail($"cannot skip a value of type {type}");
                break;
        }
    }

    private void EnterContainer()
    {
        if (_depth >= MaxDepth)
        {
            Fail($"structures nest deeper than {MaxDepth} levels");
        }

        // keeps the field-id stack slot in step so ReadStructEnd inside the container restores correctly
        _fieldIds[_depth++] = _lastFieldId;
    }

    private ThriftType ToType(byte compactType)
    {
        if (compactType > (byte)ThriftType.Uuid)
        {
            Fail($"unknown compact type {compactType}");
        }

        return compactType == (byte)ThriftType.BoolFalse ? ThriftType.Bool : (ThriftType)compactType;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte ReadRawByte()
    {
        if ((uint)_position >= (uint)_data.Length)
        {
            Fail("the data ends in the middle of a value");
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > _data.Length - _position)
        {
            Fail($"{what} needs {count} bytes, {_data.Length - _position} are left");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    private uint ReadVarint32()
    {
        var value = ReadVarint64();
        if (value > uint.MaxValue)
        {
            Fail($"a varint ({value}) does not fit in 32 bits");
        }

        return (uint)value;
    }

    private int ReadZigZag32()
    {
        var raw = ReadVarint32();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    private ulong ReadVarint64()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadRawByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (shift == 63 && b > 1)
                {
                    break;
                }

                return result;
            }
        }

        Fail("a varint is longer than 64 bits");
        return 0;
    }

    [DoesNotReturn]
    private readonly void Fail(string what) =>
        throw new ParquetFormatException($"Thrift data is corrupt at byte {_position} of {_data.Length}: {what}");

    [InlineArray(MaxDepth)]
    private struct FieldIdStack
    {
        private short _element;
    }
}
