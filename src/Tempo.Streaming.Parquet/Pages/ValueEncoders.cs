using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>The value encoders besides PLAIN and dictionary that the writer offers.</summary>
internal static class ValueEncoders
{
    public static void WriteDeltaBinaryPacked(PhysicalType type, ReadOnlySpan<int> int32s, ReadOnlySpan<long> int64s, ByteBuffer output)
    {
        _ = type;
        _ = int32s;
        _ = int64s;
        _ = output;
        throw new NotSupportedException("DELTA_BINARY_PACKED lands with the parquet-core delta encoder");
    }
}
