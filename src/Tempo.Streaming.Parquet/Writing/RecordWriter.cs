using System.Diagnostics.CodeAnalysis;
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

    // per group depth (0 = the record): the group, which children were written, the repetition level for the next
    // entry, the open field (null when none) and how many values/groups it received
    private LevelNode[] _groups;
    private bool[][] _written;
    private int[] _repetition;
    private LevelNode?[] _fields;
    private int[] _fieldValues;
    private int _depth;
    private bool _inRecord;

    internal RecordWriter(LevelNode root, ColumnWriter[] columns)
    {
        _root = root;
        _columns = columns;
        var depth = MaxGroupDepth(root) + 1;
        _groups = new LevelNode[depth];
        _written = new bool[depth][];
        for (var i = 0; i < depth; i++) _written[i] = new bool[MaxChildren(root)];
        _repetition = new int[depth];
        _fields = new LevelNode?[depth];
        _fieldValues = new int[depth];
    }

    /// <summary>Records completed so far in this row group.</summary>
    public long RecordCount { get; private set; }

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
        Array.Clear(_written[0], 0, _root.Children.Length);
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
        if (_written[depth][childIndex]) ThrowState($"field '{children[childIndex].Path}' was already written in this group; write all values of a repeated field inside one BeginField/EndField");
        _fields[depth] = children[childIndex];
        _fieldValues[depth] = 0;
    }

    public void EndField()
    {
        var depth = _depth;
        var field = _fields[depth];
        if (field is null) ThrowState("EndField without BeginField");
        if (_fieldValues[depth] > 0) _written[depth][field.ChildIndex] = true;
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
        Array.Clear(_written[depth], 0, field.Children.Length);
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

    /// <summary>Nulls for every child of the current group that got no value: required ones are an error.</summary>
    private void WriteMissingFields()
    {
        var depth = _depth;
        var group = _groups[depth];
        var written = _written[depth];
        var children = group.Children;
        var definitionLevel = group.DefinitionLevel;
        var repetitionLevel = _repetition[depth];
        for (var i = 0; i < children.Length; i++)
        {
            if (written[i]) continue;
            var child = children[i];
            if (child.IsRequired) ThrowRequiredMissing(child);
            var end = child.FirstColumn + child.ColumnCount;
            for (var c = child.FirstColumn; c < end; c++) _columns[c].WriteNull(definitionLevel, repetitionLevel);
        }
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
    private static void ThrowSecondValue(LevelNode field) => throw new InvalidOperationException(
        $"field '{field.Path}' is not repeated and already has a value");

    [DoesNotReturn]
    private static void ThrowRequiredMissing(LevelNode field) => throw new InvalidOperationException(
        $"required field '{field.Path}' was not written");
}
