namespace Tempo.Streaming.Parquet;

/// <summary>
/// Buffers the values and levels of one column chunk. A value is written at the column's maximum definition level;
/// a null (or an empty/absent ancestor) with the definition level at which the path stops. The repetition level says
/// at which repeated ancestor a new element begins (0 = new record).
/// CONTRACT SKELETON (issue 5): the signatures are fixed; helper "parquet-file" writes the bodies.
/// </summary>
public sealed class ColumnWriter
{
    private ColumnWriter() { }

    public ColumnDescriptor Column => throw new NotImplementedException();

    public void WriteNull(int definitionLevel, int repetitionLevel = 0) => throw new NotImplementedException();
    public void WriteBoolean(bool value, int repetitionLevel = 0) => throw new NotImplementedException();
    public void WriteInt32(int value, int repetitionLevel = 0) => throw new NotImplementedException();
    public void WriteInt64(long value, int repetitionLevel = 0) => throw new NotImplementedException();
    public void WriteFloat(float value, int repetitionLevel = 0) => throw new NotImplementedException();
    public void WriteDouble(double value, int repetitionLevel = 0) => throw new NotImplementedException();

    /// <summary>BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values (the latter must have the column's length).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value, int repetitionLevel = 0) => throw new NotImplementedException();

    /// <summary>A string written as UTF-8 bytes.</summary>
    public void WriteString(ReadOnlySpan<char> value, int repetitionLevel = 0) => throw new NotImplementedException();
}
