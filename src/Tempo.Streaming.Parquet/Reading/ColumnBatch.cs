using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// A reusable buffer of decoded levels and values from one column. Entry i has levels
/// <c>DefinitionLevels[i]</c>/<c>RepetitionLevels[i]</c>; non-null entries (definition level = max) consume the
/// values in order, so value j lives in the typed array matching the column's physical type.
/// </summary>
public sealed class ColumnBatch
{
    public ColumnBatch(int capacity = 4096)
    {
        DefinitionLevels = new short[capacity];
        RepetitionLevels = new short[capacity];
    }

    public short[] DefinitionLevels { get; internal set; }
    public short[] RepetitionLevels { get; internal set; }

    /// <summary>Entries (level pairs) in the batch.</summary>
    public int LevelCount { get; internal set; }

    /// <summary>Non-null values in the batch.</summary>
    public int ValueCount { get; internal set; }

    public bool[] Booleans { get; internal set; } = [];
    public int[] Int32s { get; internal set; } = [];
    public long[] Int64s { get; internal set; } = [];
    public float[] Floats { get; internal set; } = [];
    public double[] Doubles { get; internal set; } = [];

    /// <summary>BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY / INT96 values, concatenated; value j is
    /// <c>ByteData[ByteOffsets[j]..ByteOffsets[j+1]]</c>.</summary>
    public byte[] ByteData { get; internal set; } = [];
    public int[] ByteOffsets { get; internal set; } = [0];

    public ReadOnlySpan<byte> GetBytes(int valueIndex) => ByteData.AsSpan(ByteOffsets[valueIndex], ByteOffsets[valueIndex + 1] - ByteOffsets[valueIndex]);

    /// <summary>All <paramref name="count"/> values of <paramref name="decoder"/> into fresh arrays of <paramref name="type"/>
    /// (a dictionary page, or a data page decoded once for the page cache); <paramref name="byteCapacity"/> sizes the byte
    /// buffer of byte-array values.</summary>
    internal void DecodeAllValues(ValueDecoder decoder, PhysicalType type, int count, int byteCapacity)
    {
        switch (type)
        {
            case PhysicalType.Boolean: Booleans = new bool[count]; decoder.ReadBooleans(Booleans); break;
            case PhysicalType.Int32: Int32s = new int[count]; decoder.ReadInt32s(Int32s); break;
            case PhysicalType.Int64: Int64s = new long[count]; decoder.ReadInt64s(Int64s); break;
            case PhysicalType.Float: Floats = new float[count]; decoder.ReadFloats(Floats); break;
            case PhysicalType.Double: Doubles = new double[count]; decoder.ReadDoubles(Doubles); break;
            default:
                var bytes = new ByteBuffer(byteCapacity);
                var offsets = new int[count + 1];
                decoder.ReadByteArrays(offsets.AsSpan(1), bytes);
                ByteData = bytes.ToArray();
                ByteOffsets = offsets;
                break;
        }
    }
}
