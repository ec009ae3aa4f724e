using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>The value encoders besides PLAIN and dictionary that the writer offers.</summary>
internal static class ValueEncoders
{
    /// <summary>DELTA_BINARY_PACKED of the page's INT32 or INT64 values (the settings allow no other type).</summary>
    public static void WriteDeltaBinaryPacked(PhysicalType type, ReadOnlySpan<int> int32s, ReadOnlySpan<long> int64s, ByteBuffer output)
    {
        if (type == PhysicalType.Int32) DeltaBinaryPackedEncoder.Encode(int32s, output);
        else DeltaBinaryPackedEncoder.Encode(int64s, output);
    }
}
