using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// The value encoders besides PLAIN and dictionary that the writer offers, and which physical types each may encode
/// (parquet-format Encodings.md): checked once when the file writer resolves a column's settings, never per page.
/// </summary>
internal static class ValueEncoders
{
    /// <summary>The page-header encoding a non-dictionary <see cref="ColumnEncoding"/> writes.</summary>
    public static Encoding ToFormat(ColumnEncoding encoding) => encoding switch
    {
        ColumnEncoding.DeltaBinaryPacked => Encoding.DeltaBinaryPacked,
        ColumnEncoding.DeltaLengthByteArray => Encoding.DeltaLengthByteArray,
        ColumnEncoding.DeltaByteArray => Encoding.DeltaByteArray,
        ColumnEncoding.ByteStreamSplit => Encoding.ByteStreamSplit,
        _ => Encoding.Plain,
    };

    /// <summary>Throws when <paramref name="encoding"/> cannot hold values of <paramref name="column"/>'s physical type.</summary>
    public static void Validate(ColumnEncoding encoding, ColumnDescriptor column)
    {
        var type = column.Type;
        string? allowed = encoding switch
        {
            ColumnEncoding.DeltaBinaryPacked when type is not (PhysicalType.Int32 or PhysicalType.Int64) =>
                "DELTA_BINARY_PACKED encodes INT32 and INT64 columns only",
            ColumnEncoding.DeltaLengthByteArray when type is not PhysicalType.ByteArray =>
                "DELTA_LENGTH_BYTE_ARRAY encodes BYTE_ARRAY columns only",
            ColumnEncoding.DeltaByteArray when type is not (PhysicalType.ByteArray or PhysicalType.FixedLenByteArray) =>
                "DELTA_BYTE_ARRAY encodes BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY columns only",
            // FLOAT/DOUBLE since format 2.8; INT32, INT64 and FIXED_LEN_BYTE_ARRAY since format 2.11.
            ColumnEncoding.ByteStreamSplit when type is not (PhysicalType.Float or PhysicalType.Double or PhysicalType.Int32
                or PhysicalType.Int64 or PhysicalType.FixedLenByteArray) =>
                "BYTE_STREAM_SPLIT encodes FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY columns only",
            _ => null,
        };
        if (allowed is not null)
        {
            throw new ArgumentException($"column '{column.DottedPath}' is {type}; {allowed}", "options");
        }
    }

    /// <summary>DELTA_BINARY_PACKED of the page's INT32 or INT64 values (the settings allow no other type).</summary>
    public static void WriteDeltaBinaryPacked(PhysicalType type, ReadOnlySpan<int> int32s, ReadOnlySpan<long> int64s, ByteBuffer output)
    {
        if (type == PhysicalType.Int32) DeltaBinaryPackedEncoder.Encode(int32s, output);
        else DeltaBinaryPackedEncoder.Encode(int64s, output);
    }

    /// <summary>BYTE_STREAM_SPLIT of values whose PLAIN form is <paramref name="plainValues"/> (<paramref name="width"/> bytes each).</summary>
    public static void WriteByteStreamSplit(ReadOnlySpan<byte> plainValues, int width, ByteBuffer output) =>
        ByteStreamSplitEncoder.Encode(plainValues, width, output);

    /// <summary>DELTA_LENGTH_BYTE_ARRAY of values stored concatenated (value i is <c>data[offsets[i]..offsets[i+1]]</c>).</summary>
    public static void WriteDeltaLengthByteArray(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, ByteBuffer output) =>
        DeltaLengthByteArrayEncoder.Encode(data, offsets, output);

    /// <summary>DELTA_BYTE_ARRAY of values stored concatenated (value i is <c>data[offsets[i]..offsets[i+1]]</c>).</summary>
    public static void WriteDeltaByteArray(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, ByteBuffer output) =>
        DeltaByteArrayEncoder.Encode(data, offsets, output);
}
