using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// The decoder of a value encoding other than PLAIN, dictionary and RLE booleans (which the chunk reader handles
/// itself), one per chunk reader and reused across its pages. Which encoding applies to which type follows
/// Encodings.md: DELTA_BINARY_PACKED for INT32/INT64, DELTA_LENGTH_BYTE_ARRAY for BYTE_ARRAY, DELTA_BYTE_ARRAY for
/// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY, BYTE_STREAM_SPLIT for FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY.
/// </summary>
internal sealed class ValueDecoders
{
    private DeltaBinaryPackedDecoder? _deltaBinaryPacked;
    private DeltaLengthByteArrayDecoder? _deltaLength;
    private DeltaByteArrayDecoder? _deltaByteArray;
    private ByteStreamSplitDecoder? _byteStreamSplit;

    /// <summary>A decoder positioned on <paramref name="data"/>, or null when the encoding does not apply to the type.</summary>
    public ValueDecoder? For(Encoding encoding, PhysicalType type, int typeLength, ReadOnlyMemory<byte> data)
    {
        switch (encoding)
        {
            case Encoding.DeltaBinaryPacked when type is PhysicalType.Int32 or PhysicalType.Int64:
                _deltaBinaryPacked ??= new DeltaBinaryPackedDecoder();
                _deltaBinaryPacked.Reset(data);
                return _deltaBinaryPacked;
            case Encoding.DeltaLengthByteArray when type == PhysicalType.ByteArray:
                _deltaLength ??= new DeltaLengthByteArrayDecoder();
                _deltaLength.Reset(data);
                return _deltaLength;
            case Encoding.DeltaByteArray when type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray:
                _deltaByteArray ??= new DeltaByteArrayDecoder();
                _deltaByteArray.Reset(data);
                return _deltaByteArray;
            case Encoding.ByteStreamSplit when type is PhysicalType.Float or PhysicalType.Double or PhysicalType.Int32 or PhysicalType.Int64 or PhysicalType.FixedLenByteArray:
                _byteStreamSplit ??= new ByteStreamSplitDecoder();
                _byteStreamSplit.Reset(data, type, typeLength);
                return _byteStreamSplit;
            default:
                return null;
        }
    }
}
