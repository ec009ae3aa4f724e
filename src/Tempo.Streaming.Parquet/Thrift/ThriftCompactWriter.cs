using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Thrift;

/// <summary>
/// Writes the Thrift compact protocol into a <see cref="ByteBuffer"/>. Field headers use the one-byte delta form when
/// the id grows by 1..15 and the long form otherwise; bool fields carry their value in the header type.
/// </summary>
public sealed class ThriftCompactWriter
{
    private readonly Stack<short> _fieldIds = new();
    private short _lastFieldId;

    public ThriftCompactWriter(ByteBuffer output) => Output = output;

    public ByteBuffer Output { get; }

    public void WriteStructBegin()
    {
        _fieldIds.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    /// <summary>Writes the STOP byte and returns to the enclosing struct.</summary>
    public void WriteStructEnd()
    {
        Output.WriteByte(0);
        _lastFieldId = _fieldIds.Pop();
    }

    public void WriteFieldBegin(short fieldId, ThriftType type)
    {
        if (type == ThriftType.Stop || type == ThriftType.BoolFalse)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "not a field type (use WriteBoolField for bools)");
        }

        WriteFieldHeader(fieldId, (byte)type);
    }

    public void WriteBoolField(short fieldId, bool value) => WriteFieldHeader(fieldId, value ? (byte)1 : (byte)2);

    public void WriteByteField(short fieldId, sbyte value)
    {
        WriteFieldHeader(fieldId, (byte)ThriftType.Byte);
        WriteByte(value);
    }

    public void WriteI16Field(short fieldId, short value)
    {
        WriteFieldHeader(fieldId, (byte)ThriftType.I16);
        WriteI16(value);
    }

    public void WriteI32Field(short fieldId, int value)
    {
        WriteFieldHeader(fieldId, (byte)ThriftType.I32);
        WriteI32(value);
    }

    public void WriteI64Field(short fieldId, long value)
    {
        WriteFieldHeader(fieldId, (byte)ThriftType.I64);
        WriteI64(value);
    }

    public void WriteDoubleField(short fieldId, double value)
    {
        WriteFieldHeader(fieldId, (byte)ThriftType.Double);
        WriteDouble(value);
    }

    public void WriteBinaryField(short fieldId, ReadOnlySpan<byte> value)
    {
        WriteFieldHeader(fieldId, (byte)ThriftType.Binary);
        WriteBinary(value);
    }

    public void WriteStringField(short fieldId, string value)
    {
        WriteFieldHeader(fieldId, (byte)ThriftType.Binary);
        WriteString(value);
    }

    /// <summary>A bool list element: one byte, 1 = true, 2 = false (what the reference C++ and Java writers emit).</summary>
    public void WriteBool(bool value) => Output.WriteByte(value ? (byte)1 : (byte)2);

    public void WriteByte(sbyte value) => Output.WriteByte((byte)value);

    public void WriteI16(short value) => WriteI32(value);

    public void WriteI32(int value) => Output.WriteUleb128((uint)((value << 1) ^ (value >> 31)));

    public void WriteI64(long value) => Output.WriteZigZagLeb128(value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Output.Append(8), value);

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        Output.WriteUleb128((uint)value.Length);
        Output.Write(value);
    }

    public void WriteString(string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        Output.WriteUleb128((uint)length);
        System.Text.Encoding.UTF8.GetBytes(value, Output.Append(length));
    }

    /// <summary>A list header; bool lists use element type <see cref="ThriftType.Bool"/>.</summary>
    public void WriteListBegin(ThriftType elementType, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count < 15)
        {
            Output.WriteByte((byte)((count << 4) | (byte)elementType));
        }
        else
        {
            Output.WriteByte((byte)(0xF0 | (byte)elementType));
            Output.WriteUleb128((uint)count);
        }
    }

    public void WriteMapBegin(ThriftType keyType, ThriftType valueType, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Output.WriteUleb128((uint)count);
        if (count > 0)
        {
            Output.WriteByte((byte)(((byte)keyType << 4) | (byte)valueType));
        }
    }

    private void WriteFieldHeader(short fieldId, byte compactType)
    {
        var delta = fieldId - _lastFieldId;
        if (delta is > 0 and <= 15)
        {
            Output.WriteByte((byte)((delta << 4) | compactType));
        }
        else
        {
            Output.WriteByte(compactType);
            WriteI16(fieldId);
        }

        _lastFieldId = fieldId;
    }
}
