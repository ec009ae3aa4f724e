using System.Buffers.Binary;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// On-disk framing of one record in a segment file (ARCHITECTURE.md §3 "Embedded log"). Little-endian:
/// <code>
///  0  int32   length      bytes that follow this field
///  4  uint32  crc32c      CRC-32C of every byte after this field (version .. end of value)
///  8  byte    version     1 = the value as given, 2 = the value LZ4-compressed
///  9  int64   offset
/// 17  int64   timestamp   unix milliseconds
/// 25  int32   key length
/// 29  key bytes
///  .  int32   value length (as stored)
///  .  value bytes          version 2: int32 length of the value, then one LZ4 block that expands to it
/// </code>
/// The length comes first so a reader can size the record before checking it; the CRC covers the offset too, so a
/// record copied to the wrong place (or a stale tail after a crash) is rejected, as Kafka's batch CRC does. The CRC
/// covers the stored (compressed) bytes, as Kafka's does, so recovery validates a segment without decompressing it.
/// </summary>
internal static class RecordFormat
{
    public const byte PlainVersion = 1;
    public const byte Lz4Version = 2;

    /// <summary>Bytes before the LZ4 block in a version-2 value: the length it expands to.</summary>
    public const int Lz4HeaderSize = 4;
    public const int LengthFieldSize = 4;
    public const int CrcFieldSize = 4;

    /// <summary>Bytes of framing around key and value.</summary>
    public const int Overhead = 33;

    /// <summary>Smallest valid value of the length field (empty key and value).</summary>
    public const int MinLength = Overhead - LengthFieldSize;

    /// <summary>
    /// Upper bound on one record. Tempo's default <c>max_record_bytes</c> is about 15.2 MiB; anything far beyond is
    /// either a bug or a corrupt length field, and recovery must not try to read gigabytes because of one flipped bit.
    /// </summary>
    public const int MaxRecordSize = 128 * 1024 * 1024;

    private const int VersionPosition = 8;
    private const int OffsetPosition = 9;
    private const int TimestampPosition = 17;
    private const int KeyLengthPosition = 25;
    private const int KeyPosition = 29;

    public static int EncodedSize(int keyLength, int valueLength) => Overhead + keyLength + valueLength;

    /// <summary>
    /// Writes one framed record into <paramref name="destination"/>, which must hold EncodedSize bytes;
    /// <paramref name="value"/> is the value as stored (for <see cref="Lz4Version"/>, already compressed).
    /// </summary>
    public static void Write(Span<byte> destination, byte version, long offset, long timestampMs, ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> value)
    {
        int size = EncodedSize(key.Length, value.Length);
        Span<byte> record = destination[..size];
        BinaryPrimitives.WriteInt32LittleEndian(record, size - LengthFieldSize);
        record[VersionPosition] = version;
        BinaryPrimitives.WriteInt64LittleEndian(record[OffsetPosition..], offset);
        BinaryPrimitives.WriteInt64LittleEndian(record[TimestampPosition..], timestampMs);
        BinaryPrimitives.WriteInt32LittleEndian(record[KeyLengthPosition..], key.Length);
        key.CopyTo(record[KeyPosition..]);
        int valueLengthPosition = KeyPosition + key.Length;
        BinaryPrimitives.WriteInt32LittleEndian(record[valueLengthPosition..], value.Length);
        value.CopyTo(record[(valueLengthPosition + 4)..]);
        uint crc = Crc32C.Compute(record[VersionPosition..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[LengthFieldSize..], crc);
    }

    /// <summary>
    /// Reads the length field and returns the record's total size, or -1 when the field cannot belong to a record
    /// (a torn write, zero fill, or garbage).
    /// </summary>
    public static int ReadTotalSize(ReadOnlySpan<byte> buffer)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(buffer);
        if (length < MinLength || length > MaxRecordSize - LengthFieldSize)
        {
            return -1;
        }
        return length + LengthFieldSize;
    }

    /// <summary>
    /// Validates a complete record (exactly <c>ReadTotalSize</c> bytes) and describes where its parts are. Returns
    /// a reason when the record is corrupt, null when it is valid.
    /// </summary>
    public static string? TryDecode(ReadOnlySpan<byte> record, out RecordView view)
    {
        view = default;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(record[LengthFieldSize..]);
        uint actual = Crc32C.Compute(record[VersionPosition..]);
        if (stored != actual)
        {
            return $"CRC32C mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})";
        }
        byte version = record[VersionPosition];
        if (version is not (PlainVersion or Lz4Version))
        {
            return $"unknown record version {version}";
        }
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(record[KeyLengthPosition..]);
        if (keyLength < 0 || KeyPosition + keyLength + 4 > record.Length)
        {
            return $"key length {keyLength} does not fit the record";
        }
        int valueLengthPosition = KeyPosition + keyLength;
        int valueLength = BinaryPrimitives.ReadInt32LittleEndian(record[valueLengthPosition..]);
        if (valueLength != record.Length - valueLengthPosition - 4)
        {
            return $"value length {valueLength} does not match the record length";
        }
        int expandedLength = -1;
        if (version == Lz4Version)
        {
            expandedLength = valueLength < Lz4HeaderSize ? -1 : BinaryPrimitives.ReadInt32LittleEndian(record[(valueLengthPosition + 4)..]);
            if (expandedLength < 0 || expandedLength > MaxRecordSize)
            {
                return $"compressed value claims {expandedLength} bytes uncompressed";
            }
        }
        view = new RecordView(
            BinaryPrimitives.ReadInt64LittleEndian(record[OffsetPosition..]),
            BinaryPrimitives.ReadInt64LittleEndian(record[TimestampPosition..]),
            KeyPosition, keyLength, valueLengthPosition + 4, valueLength, record.Length, expandedLength);
        return null;
    }
}

/// <summary>A decoded record header; key and value positions are relative to the start of the record.</summary>
/// <param name="ValueLength">The value's length as stored.</param>
/// <param name="ExpandedLength">For an LZ4-compressed value, its length once decompressed; -1 for a plain one.</param>
internal readonly record struct RecordView(long Offset, long TimestampMs, int KeyStart, int KeyLength, int ValueStart, int ValueLength,
    int TotalSize, int ExpandedLength = -1)
{
    public bool IsCompressed => ExpandedLength >= 0;

    /// <summary>The value's length as the reader gets it.</summary>
    public int LogicalValueLength => IsCompressed ? ExpandedLength : ValueLength;
}
