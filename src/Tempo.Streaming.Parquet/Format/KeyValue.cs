using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>parquet.thrift <c>KeyValue</c>: file or column key-value metadata.</summary>
public sealed class KeyValue
{
    public KeyValue() { }

    public KeyValue(string key, string? value)
    {
        Key = key;
        Value = value;
    }

    public string Key { get; set; } = "";
    public string? Value { get; set; }

    public static KeyValue Read(ref ThriftCompactReader reader)
    {
        var kv = new KeyValue();
        var seenKey = false;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.Binary: kv.Key = reader.ReadString(); seenKey = true; break;
                case 2 when type == ThriftType.Binary: kv.Value = reader.ReadString(); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        if (!seenKey)
        {
            ThriftFields.Missing("KeyValue", "key");
        }

        return kv;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteStringField(1, Key);
        if (Value is not null) writer.WriteStringField(2, Value);
        writer.WriteStructEnd();
    }

    internal static void WriteList(ThriftCompactWriter writer, short fieldId, IReadOnlyList<KeyValue> values)
    {
        writer.WriteFieldBegin(fieldId, ThriftType.List);
        writer.WriteListBegin(ThriftType.Struct, values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            values[i].Write(writer);
        }
    }
}
