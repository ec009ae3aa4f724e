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
}
