namespace Tempo.Streaming.Parquet;

/// <summary>
/// Shreds records into columns the way Dremel does (parquet-mr's RecordConsumer model): the caller walks a record
/// as fields, groups and values, and the writer derives every definition and repetition level, including the nulls
/// for fields that were not written.
/// <code>
/// BeginRecord();
///   BeginField(i) … EndField()  // field i of the current group; a repeated field takes several values/groups
///     BeginGroup() … EndGroup() // a group value (struct, list wrapper, list element, map entry)
///     WriteInt64(v) / WriteString(s) / …  // a primitive value
/// EndRecord();
/// </code>
/// A required field that is not written is an error (<see cref="InvalidOperationException"/> naming the path).
/// CONTRACT SKELETON (issue 5): the signatures are fixed; helper "parquet-file" writes the bodies.
/// </summary>
public sealed class RecordWriter
{
    private RecordWriter() { }

    public void BeginRecord() => throw new NotImplementedException();
    public void EndRecord() => throw new NotImplementedException();

    /// <summary>Enters child <paramref name="childIndex"/> of the current group (index into <see cref="GroupNode.Children"/>).</summary>
    public void BeginField(int childIndex) => throw new NotImplementedException();
    public void EndField() => throw new NotImplementedException();

    public void BeginGroup() => throw new NotImplementedException();
    public void EndGroup() => throw new NotImplementedException();

    public void WriteBoolean(bool value) => throw new NotImplementedException();
    public void WriteInt32(int value) => throw new NotImplementedException();
    public void WriteInt64(long value) => throw new NotImplementedException();
    public void WriteFloat(float value) => throw new NotImplementedException();
    public void WriteDouble(double value) => throw new NotImplementedException();
    public void WriteBytes(ReadOnlySpan<byte> value) => throw new NotImplementedException();
    public void WriteString(ReadOnlySpan<char> value) => throw new NotImplementedException();
}
