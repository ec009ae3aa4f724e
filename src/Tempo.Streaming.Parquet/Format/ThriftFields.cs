using System.Diagnostics.CodeAnalysis;
using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>List and required-field helpers shared by the parquet.thrift structs.</summary>
internal static class ThriftFields
{
    public delegate T StructReader<T>(ref ThriftCompactReader reader);

    public static List<T> ReadStructList<T>(ref ThriftCompactReader reader, StructReader<T> read, string owner, string field)
    {
        var count = reader.ReadListBegin(out var elementType);
        ExpectElement(count, elementType, ThriftType.Struct, owner, field);
        var list = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(read(ref reader));
        }

        return list;
    }

    public static List<string> ReadStringList(ref ThriftCompactReader reader, string owner, string field)
    {
        var count = reader.ReadListBegin(out var elementType);
        ExpectElement(count, elementType, ThriftType.Binary, owner, field);
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadString());
        }

        return list;
    }

    public static List<byte[]> ReadBinaryList(ref ThriftCompactReader reader, string owner, string field)
    {
        var count = reader.ReadListBegin(out var elementType);
        ExpectElement(count, elementType, ThriftType.Binary, owner, field);
        var list = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadBinaryArray());
        }

        return list;
    }

    public static List<long> ReadI64List(ref ThriftCompactReader reader, string owner, string field)
    {
        var count = reader.ReadListBegin(out var elementType);
        ExpectElement(count, elementType, ThriftType.I64, owner, field);
        var list = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadI64());
        }

        return list;
    }

    public static List<int> ReadI32List(ref ThriftCompactReader reader, string owner, string field)
    {
        var count = reader.ReadListBegin(out var elementType);
        ExpectElement(count, elementType, ThriftType.I32, owner, field);
        var list = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadI32());
        }

        return list;
    }

    public static List<bool> ReadBoolList(ref ThriftCompactReader reader, string owner, string field)
    {
        var count = reader.ReadListBegin(out var elementType);
        ExpectElement(count, elementType, ThriftType.Bool, owner, field);
        var list = new List<bool>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadBool());
        }

        return list;
    }

    public static void WriteStringList(ThriftCompactWriter writer, short fieldId, IReadOnlyList<string> values)
    {
        writer.WriteFieldBegin(fieldId, ThriftType.List);
        writer.WriteListBegin(ThriftType.Binary, values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteString(values[i]);
        }
    }

    public static void WriteBinaryList(ThriftCompactWriter writer, short fieldId, IReadOnlyList<byte[]> values)
    {
        writer.WriteFieldBegin(fieldId, ThriftType.List);
        writer.WriteListBegin(ThriftType.Binary, values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteBinary(values[i]);
        }
    }

    public static void WriteI64List(ThriftCompactWriter writer, short fieldId, IReadOnlyList<long> values)
    {
        writer.WriteFieldBegin(fieldId, ThriftType.List);
        writer.WriteListBegin(ThriftType.I64, values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteI64(values[i]);
        }
    }

    public static void WriteI32List(ThriftCompactWriter writer, short fieldId, IReadOnlyList<int> values)
    {
        writer.WriteFieldBegin(fieldId, ThriftType.List);
        writer.WriteListBegin(ThriftType.I32, values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteI32(values[i]);
        }
    }

    public static void WriteBoolList(ThriftCompactWriter writer, short fieldId, IReadOnlyList<bool> values)
    {
        writer.WriteFieldBegin(fieldId, ThriftType.List);
        writer.WriteListBegin(ThriftType.Bool, values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteBool(values[i]);
        }
    }

    /// <summary>Throws when a required field (bit <paramref name="bit"/> of <paramref name="seen"/>) was absent.</summary>
    public static void Require(uint seen, int bit, string owner, string field)
    {
        if ((seen & (1u << bit)) == 0)
        {
            Missing(owner, field);
        }
    }

    [DoesNotReturn]
    public static void Missing(string owner, string field) =>
        throw new ParquetFormatException($"Parquet metadata is corrupt: {owner} has no {field} (a required field)");

    private static void ExpectElement(int count, ThriftType actual, ThriftType expected, string owner, string field)
    {
        // an empty list's element type carries no meaning (some writers leave it 0)
        if (count > 0 && actual != expected)
        {
            throw new ParquetFormatException($"Parquet metadata is corrupt: {owner}.{field} is a list of {actual}, expected {expected}");
        }
    }
}
