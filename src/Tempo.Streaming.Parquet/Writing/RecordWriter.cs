using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

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
/// A field opened and closed without a value counts as not written: an optional field becomes null, a repeated one
/// an empty list. After an exception the row group holds a partial record and must not be completed.
/// </summary>
/// <remarks>
/// Levels follow the Dremel paper (Melnik et al., 2010, §4.2) as parquet-mr computes them: <c>_repetition[d]</c> is
/// the repetition level the next entry written at group depth d gets. It starts as the parent's; after a value or a
/// group of a field it becomes that field's repetition level, so the second and later elements of a repeated field
/// (and every leaf below them) say at which level they repeat; closing the field restores the parent's level for
/// the next sibling. Missing fields get nulls at the enclosing group's definition level.
/// </remarks>
public sealed class RecordWriter
{
    private readonly LevelNode _root;
    private readonly ColumnWriter[] _columns;

    // per group depth (0 = the record): the group, which children were written (a bit per child, _wordsPerGroup
    // 64-bit words per depth: opening a group clears one word, not an array), the repetition level for the next
    // entry, the open field (null when none) and how many values/groups it received
    private readonly LevelNode[] _groups;
    private readonly ulong[] _written;
    private readonly int _wordsPerGroup;
    private readonly int[] _repetition;
    private readonly LevelNode?[] _fields;
    private readonly int[] _fieldValues;
    private int _depth;
    private bool _inRecord;

    internal RecordWriter(LevelNode root, ColumnWriter[] columns)
    {
        _root = root;
        _columns = columns;
        var depth = MaxGroupDepth(root) + 1;
        _groups = new LevelNode[depth];
        _wordsPerGroup = Math.Max(1, (MaxChildren(root) + 63) >> 6);
        _written = new ulong[depth * _wordsPerGroup];
        _repetition = new int[depth];
        _fields = new LevelNode?[depth];
        _fieldValues = new int[depth];
    }

    /// <summary>Records completed so far in this row group.</summary>
    public long RecordCount { get; private set; }

    /// <summary>
    /// The writer of column <paramref name="index"/> (<see cref="ColumnDescriptor.Index"/>), for a shredder that knows its
    /// schema's levels up front and writes a whole record straight into the columns (one value or null per entry,
    /// with explicit levels) instead of walking fields: no field tracking, no missing-field walks. Such a record is
    /// announced with <see cref="CountDirectRecord"/>; it must give every column the same rows, as a record written
    /// through this writer would, or <see cref="RowGroupWriter.Complete"/> rejects the row group.
    /// </summary>
    public ColumnWriter Column(int index)
    {
        if (_inRecord) ThrowState("Column: a record is being written through BeginRecord/EndRecord");
        return (uint)index < (uint)_columns.Length
            ? _columns[index]
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"the schema has {_columns.Length} columns");
    }

    /// <summary>Counts a record that was written directly into the columns (<see cref="Column"/>).</summary>
    public void CountDirectRecord()
    {
        if (_inRecord) ThrowState("CountDirectRecord: a record is being written through BeginRecord/EndRecord");
        RecordCount++;
    }

    internal void Reset()
    {
        RecordCount = 0;
        _inRecord = false;
        _depth = 0;
    }

    public void BeginRecord()
    {
        if (_inRecord) ThrowState("BeginRecord: the previous record was not ended");
        _inRecord = true;
        _depth = 0;
        _groups[0] = _root;
        ClearWritten(0, _root);
        _repetition[0] = 0;
        _fields[0] = null;
    }

    public void EndRecord()
    {
        if (!_inRecord || _depth != 0 || _fields[0] is not null)
            ThrowState(_inRecord ? $"EndRecord: '{OpenPath()}' is still open" : "EndRecord without BeginRecord");
        WriteMissingFields();
        _inRecord = false;
        RecordCount++;
    }

    /// <summary>Enters child <paramref name="childIndex"/> of the current group (index into <see cref="GroupNode.Children"/>).</summary>
    public void BeginField(int childIndex)
    {
        var depth = _depth;
        if (!_inRecord || _fields[depth] is not null)
            ThrowState(_inRecord ? $"BeginField: field '{_fields[depth]!.Path}' is still open" : "BeginField outside a record");
        var children = _groups[depth].Children;
        if ((uint)childIndex >= (uint)children.Length) ThrowNoSuchField(childIndex);
        if (IsWritten(depth, childIndex)) ThrowAlreadyWritten(children[childIndex]);
        _fields[depth] = children[childIndex];
        _fieldValues[depth] = 0;
    }

    /// <summary>
    /// Opens the spec's three-level list at child <paramref name="childIndex"/> (<c>group (LIST) { repeated group list
    /// { element } }</c>): <c>BeginField(childIndex); BeginGroup(); BeginField(0)</c>. Each element is then written
    /// between <see cref="BeginListElement"/> and <see cref="EndListElement"/>, and <see cref="EndList"/> closes it.
    /// </summary>
    public void BeginList(int childIndex)
    {
        BeginField(childIndex);
        BeginGroup();
        BeginField(0);
    }

    /// <summary>Starts one list element: <c>BeginGroup(); BeginField(0)</c> (the <c>element</c> field of the <c>list</c> group).</summary>
    public void BeginListElement()
    {
        BeginGroup();
        BeginField(0);
    }

    public void EndListElement()
    {
        EndField();
        EndGroup();
    }

    public void EndList()
    {
        EndField();
        EndGroup();
        EndField();
    }

    /// <summary>
    /// Writes child <paramref name="childIndex"/> of the current group as one group value none of whose fields is set
    /// — an empty list or map, or a struct of nulls: the same levels as <c>BeginField; BeginGroup; EndGroup;
    /// EndField</c> in one step (every column below gets a null at the group's definition level). Required fields
    /// below the group make it an error, as they would there.
    /// </summary>
    public void WriteEmptyGroup(int childIndex)
    {
        var depth = _depth;
        if (!_inRecord || _fields[depth] is not null) ThrowFieldOpen("WriteEmptyGroup");
        var children = _groups[depth].Children;
        if ((uint)childIndex >= (uint)children.Length) ThrowNoSuchField(childIndex);
        var field = children[childIndex];
        if (field.IsLeaf) ThrowState($"WriteEmptyGroup: '{field.Path}' is a primitive column");
        if (IsWritten(depth, childIndex)) ThrowAlreadyWritten(field);
        if (field.HasRequiredChild) ThrowRequiredMissing(field.FirstRequiredChild!);
        WriteNulls(field, field.DefinitionLevel, _repetition[depth]);
        MarkWritten(depth, childIndex);
    }

    public void EndField()
    {
        var depth = _depth;
        var field = _fields[depth];
        if (field is null) ThrowState("EndField without BeginField");
        if (_fieldValues[depth] > 0) MarkWritten(depth, field.ChildIndex);
        _fields[depth] = null;
        _repetition[depth] = depth == 0 ? 0 : _repetition[depth - 1];
    }

    public void BeginGroup()
    {
        var depth = _depth;
        var field = _fields[depth];
        if (field is null || field.IsLeaf) ThrowState(field is null ? "BeginGroup outside a field" : $"BeginGroup: '{field.Path}' is a primitive column");
        if (_fieldValues[depth]++ > 0 && !field.IsRepeated) ThrowSecondValue(field);
        depth++;
        _depth = depth;
        _groups[depth] = field;
        ClearWritten(depth, field);
        _repetition[depth] = _repetition[depth - 1];
        _fields[depth] = null;
    }

    public void EndGroup()
    {
        var depth = _depth;
        if (depth == 0 || _fields[depth] is not null)
            ThrowState(depth == 0 ? "EndGroup without BeginGroup" : $"EndGroup: field '{_fields[depth]!.Path}' is still open");
        WriteMissingFields();
        depth--;
        _depth = depth;
        _repetition[depth] = _fields[depth]!.RepetitionLevel;
    }

    public void WriteBoolean(bool value)
    {
        var leaf = BeginValue();
        _columns[leaf.FirstColumn].WriteBoolean(value, _repetition[_depth]);
        _repetition[_depth] = leaf.RepetitionLevel;
    }

    public void WriteInt32(int value)
    {
        var leaf = BeginValue();
        _columns[leaf.FirstColumn].WriteInt32(value, _repetition[_depth]);
        _repetition[_depth] = leaf.RepetitionLevel;
    }

    public void WriteInt64(long value)
    {
        var leaf = BeginValue();
        _columns[leaf.FirstColumn].WriteInt64(value, _repetition[_depth]);
        _repetition[_depth] = leaf.RepetitionLevel;
    }

    public void WriteFloat(float value)
    {
        var leaf = BeginValue();
        _columns[leaf.FirstColumn].WriteFloat(value, _repetition[_depth]);
        _repetition[_depth] = leaf.RepetitionLevel;
    }

    public void WriteDouble(double value)
    {
        var leaf = BeginValue();
        _columns[leaf.FirstColumn].WriteDouble(value, _repetition[_depth]);
        _repetition[_depth] = leaf.RepetitionLevel;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        var leaf = BeginValue();
        _columns[leaf.FirstColumn].WriteBytes(value, _repetition[_depth]);
        _repetition[_depth] = leaf.RepetitionLevel;
    }

    public void WriteString(ReadOnlySpan<char> value)
    {
        var leaf = BeginValue();
        _columns[leaf.FirstColumn].WriteString(value, _repetition[_depth]);
        _repetition[_depth] = leaf.RepetitionLevel;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LevelNode BeginValue()
    {
        var depth = _depth;
        var field = _fields[depth];
        if (field is null || !field.IsLeaf) ThrowNotAtLeaf(field);
        if (_fieldValues[depth]++ > 0 && !field.IsRepeated) ThrowSecondValue(field);
        return field;
    }

    /// <summary>
    /// Writes field <paramref name="childIndex"/> of the current group holding exactly one value, in one step: the
    /// same levels as <c>BeginField</c>, a <c>BeginGroup</c> per group on the way, the value, and the matching ends.
    /// The field is a primitive column or a chain of groups with one child each ending in one (a LIST of one
    /// element). The <c>Write*Field</c> methods are the record writer's fast path for the many single-valued fields
    /// of a record.
    /// </summary>
    public void WriteStringField(int childIndex, ReadOnlySpan<char> value)
    {
        var column = SingleValueField(childIndex, out var repetitionLevel);
        column.WriteString(value, repetitionLevel);
    }

    /// <inheritdoc cref="WriteStringField"/>
    public void WriteBytesField(int childIndex, ReadOnlySpan<byte> value)
    {
        var column = SingleValueField(childIndex, out var repetitionLevel);
        column.WriteBytes(value, repetitionLevel);
    }

    /// <inheritdoc cref="WriteStringField"/>
    public void WriteInt32Field(int childIndex, int value)
    {
        var column = SingleValueField(childIndex, out var repetitionLevel);
        column.WriteInt32(value, repetitionLevel);
    }

    /// <inheritdoc cref="WriteStringField"/>
    public void WriteInt64Field(int childIndex, long value)
    {
        var column = SingleValueField(childIndex, out var repetitionLevel);
        column.WriteInt64(value, repetitionLevel);
    }

    /// <inheritdoc cref="WriteStringField"/>
    public void WriteDoubleField(int childIndex, double value)
    {
        var column = SingleValueField(childIndex, out var repetitionLevel);
        column.WriteDouble(value, repetitionLevel);
    }

    /// <inheritdoc cref="WriteStringField"/>
    public void WriteBooleanField(int childIndex, bool value)
    {
        var column = SingleValueField(childIndex, out var repetitionLevel);
        column.WriteBoolean(value, repetitionLevel);
    }

    /// <summary>
    /// Checks and marks field <paramref name="childIndex"/> as written and returns its one column and the
    /// repetition level of its value: every group on the way is entered once, so the value repeats at the level the
    /// field itself would start at, and it is defined at the column's maximum level.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ColumnWriter SingleValueField(int childIndex, out int repetitionLevel)
    {
        var depth = _depth;
        if (!_inRecord || _fields[depth] is not null) ThrowFieldOpen("a Write*Field call");
        var children = _groups[depth].Children;
        if ((uint)childIndex >= (uint)children.Length) ThrowNoSuchField(childIndex);
        var field = children[childIndex];
        var leaf = field.SingleLeaf;
        if (leaf is null) ThrowNotSingleValued(field);
        if (IsWritten(depth, childIndex)) ThrowAlreadyWritten(field);
        MarkWritten(depth, childIndex);
        repetitionLevel = _repetition[depth];
        return _columns[leaf.FirstColumn];
    }

    /// <summary>Nulls for every child of the current group that got no value: required ones are an error.</summary>
    private void WriteMissingFields()
    {
        var depth = _depth;
        var group = _groups[depth];
        var children = group.Children;
        var definitionLevel = group.DefinitionLevel;
        var repetitionLevel = _repetition[depth];
        var words = group.ChildMaskWords;
        var at = depth * _wordsPerGroup;
        for (var w = 0; w < words.Length; w++)
        {
            // only the unwritten children are visited; the required ones among them are an error
            var missing = words[w] & ~_written[at + w];
            if (missing == 0) continue;
            if ((missing & group.RequiredMaskWords[w]) != 0) ThrowRequiredMissing(children[(w << 6) + BitOperations.TrailingZeroCount(missing & group.RequiredMaskWords[w])]);
            do
            {
                var child = children[(w << 6) + BitOperations.TrailingZeroCount(missing)];
                WriteNulls(child, definitionLevel, repetitionLevel);
                missing &= missing - 1;
            }
            while (missing != 0);
        }
    }

    /// <summary>A null at the given levels in every column below <paramref name="node"/> (levels valid by construction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteNulls(LevelNode node, int definitionLevel, int repetitionLevel)
    {
        var columns = _columns;
        var end = node.FirstColumn + node.ColumnCount;
        for (var c = node.FirstColumn; c < end; c++) columns[c].AppendNull(definitionLevel, repetitionLevel);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsWritten(int depth, int childIndex) =>
        (_written[depth * _wordsPerGroup + (childIndex >> 6)] & (1UL << childIndex)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkWritten(int depth, int childIndex) =>
        _written[depth * _wordsPerGroup + (childIndex >> 6)] |= 1UL << childIndex;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ClearWritten(int depth, LevelNode group)
    {
        var at = depth * _wordsPerGroup;
        _written[at] = 0;
        for (var w = 1; w < group.ChildMaskWords.Length; w++) _written[at + w] = 0;
    }

    private string OpenPath()
    {
        var field = _fields[_depth];
        return field?.Path ?? _groups[_depth].Path;
    }

    private static int MaxGroupDepth(LevelNode node)
    {
        var max = 0;
        foreach (var child in node.Children)
        {
            if (!child.IsLeaf) max = Math.Max(max, 1 + MaxGroupDepth(child));
        }
        return max;
    }

    private static int MaxChildren(LevelNode node)
    {
        var max = node.Children.Length;
        foreach (var child in node.Children) max = Math.Max(max, MaxChildren(child));
        return max;
    }

    [DoesNotReturn]
    private static void ThrowState(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    private void ThrowNoSuchField(int childIndex) => throw new ArgumentOutOfRangeException(
        nameof(childIndex), childIndex, $"group '{(_groups[_depth].Path.Length == 0 ? _groups[_depth].Node.Name : _groups[_depth].Path)}' has {_groups[_depth].Children.Length} fields");

    [DoesNotReturn]
    private void ThrowNotAtLeaf(LevelNode? field) => throw new InvalidOperationException(field is null
        ? (_inRecord ? "a value was written outside a field (call BeginField first)" : "a value was written outside a record")
        : $"'{field.Path}' is a group; write its fields inside BeginGroup/EndGroup");

    [DoesNotReturn]
    private void ThrowFieldOpen(string operation) => throw new InvalidOperationException(_inRecord
        ? $"{operation}: field '{_fields[_depth]!.Path}' is still open"
        : $"{operation} outside a record");

    [DoesNotReturn]
    private static void ThrowNotSingleValued(LevelNode field) => throw new InvalidOperationException(
        $"'{field.Path}' is a group with several fields; a Write*Field call writes a primitive field or a chain of one-field groups ending in one");

    [DoesNotReturn]
    private static void ThrowAlreadyWritten(LevelNode field) => throw new InvalidOperationException(
        $"field '{field.Path}' was already written in this group; write all values of a repeated field inside one BeginField/EndField");

    [DoesNotReturn]
    private static void ThrowSecondValue(LevelNode field) => throw new InvalidOperationException(
        $"field '{field.Path}' is not repeated and already has a value");

    [DoesNotReturn]
    private static void ThrowRequiredMissing(LevelNode field) => throw new InvalidOperationException(
        $"required field '{field.Path}' was not written");
}
