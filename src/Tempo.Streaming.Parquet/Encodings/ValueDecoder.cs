namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// Decodes the values section of a data page (after the levels) for one encoding. Every Read method fills its
/// destination exactly or throws <see cref="ParquetFormatException"/> when the page runs out; a value kind the
/// encoding does not carry throws too. Decoders are reusable: each has a <c>Reset</c> for the next page.
/// </summary>
public abstract class ValueDecoder
{
    /// <summary>The encoding's name for error messages, e.g. "PLAIN".</summary>
    protected abstract string EncodingName { get; }

    public virtual void ReadBooleans(Span<bool> destination) => EncodingErrors.WrongType(EncodingName, "BOOLEAN");

    public virtual void ReadInt32s(Span<int> destination) => EncodingErrors.WrongType(EncodingName, "INT32");

    public virtual void ReadInt64s(Span<long> destination) => EncodingErrors.WrongType(EncodingName, "INT64");

    public virtual void ReadFloats(Span<float> destination) => EncodingErrors.WrongType(EncodingName, "FLOAT");

    public virtual void ReadDoubles(Span<double> destination) => EncodingErrors.WrongType(EncodingName, "DOUBLE");

    /// <summary>
    /// BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY and INT96 values: appends each value's bytes to <paramref name="data"/> and
    /// stores <c>data.Length</c> after value i in <c>endOffsets[i]</c> (so a batch's offsets array is
    /// <c>[start, end0, end1, ...]</c>: pass <c>offsets.AsSpan(1, count)</c>).
    /// </summary>
    public virtual void ReadByteArrays(Span<int> endOffsets, ByteBuffer data) => EncodingErrors.WrongType(EncodingName, "byte array");

    /// <summary>Skips <paramref name="count"/> values (the reader skipping rows).</summary>
    public abstract void Skip(int count);
}
