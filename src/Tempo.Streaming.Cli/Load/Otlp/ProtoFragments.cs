using System.Text;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load.Otlp;

/// <summary>
/// Builds pre-encoded protobuf fragments (OTLP <c>KeyValue</c>s, names, resources) once at start-up, so the
/// per-span path only copies bytes. Field numbers are those of opentelemetry/proto/common/v1/common.proto:
/// KeyValue{1 key, 2 value}, AnyValue{1 string, 3 int}.
/// </summary>
public static class ProtoFragments
{
    public static byte[] StringField(byte tag, string value)
    {
        using var writer = new ProtoBufferWriter(64 + (value.Length * 3));
        writer.WriteBytesField(tag, Encoding.UTF8.GetBytes(value));
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>A complete KeyValue message with a string value, including the enclosing field tag.</summary>
    public static byte[] StringAttribute(byte fieldTag, string key, string value)
    {
        var anyValue = StringField(0x0A, value);
        return KeyValue(fieldTag, key, anyValue);
    }

    public static byte[] IntAttribute(byte fieldTag, string key, long value)
    {
        using var writer = new ProtoBufferWriter(16);
        writer.WriteVarintField(0x18, (ulong)value);
        return KeyValue(fieldTag, key, writer.WrittenSpan.ToArray());
    }

    private static byte[] KeyValue(byte fieldTag, string key, byte[] anyValue)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        using var writer = new ProtoBufferWriter(64 + keyBytes.Length + anyValue.Length);
        var kv = writer.BeginLengthDelimited(fieldTag, 1);
        writer.WriteBytesField(0x0A, keyBytes);
        writer.WriteBytesField(0x12, anyValue);
        writer.EndLengthDelimited(kv);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>The key part of a KeyValue (tag 0x0A + key), used when the value is written per span.</summary>
    public static byte[] Key(string key) => StringField(0x0A, key);

    public static byte[] Concat(params byte[][] parts)
    {
        var total = 0;
        foreach (var part in parts)
        {
            total += part.Length;
        }
        var result = new byte[total];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }
        return result;
    }

    public static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);
}
