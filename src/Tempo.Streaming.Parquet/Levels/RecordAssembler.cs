namespace Tempo.Streaming.Parquet;

/// <summary>
/// Dremel record assembly (Melnik et al., 2010, §4.3), column by column: each entry of a row's column walks the
/// column's path from the root, creating the groups and list elements its levels say exist. Columns share the
/// tree, so a per-column cursor remembers which element of each repeated node the column is in: an entry with
/// repetition level r continues the current element of repeated nodes above level r, starts the next element at
/// level r, and starts at element 0 below it (a new parent means new lists). Because elements are reused when a
/// sibling column already created them, the order in which columns are assembled does not matter.
/// </summary>
internal sealed class RecordAssembler
{
    private readonly LevelNode[][] _paths;
    private readonly int[][] _cursors;
    private readonly ColumnDescriptor[] _columns;

    /// <param name="schema">The file schema.</param>
    /// <param name="columns">The column indexes that will be assembled; slot i of <see cref="AddColumnRow"/> is columns[i].</param>
    public RecordAssembler(ParquetSchema schema, IReadOnlyList<int> columns)
    {
        Root = LevelNode.Build(schema);
        _paths = new LevelNode[columns.Count][];
        _cursors = new int[columns.Count][];
        _columns = new ColumnDescriptor[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            _paths[i] = Root.PathTo(columns[i]);
            _cursors[i] = new int[_paths[i].Length];
            _columns[i] = schema.Columns[columns[i]];
        }
    }

    internal LevelNode Root { get; }

    public ParquetGroup NewRow() => NewGroup(Root);

    /// <summary>
    /// Adds one row's entries of the column in slot <paramref name="slot"/> to <paramref name="row"/>: entries
    /// [levelStart, levelEnd) of the batch, whose first value is at <paramref name="valueStart"/>.
    /// Returns the number of values consumed.
    /// </summary>
    public int AddColumnRow(ParquetGroup row, int slot, ColumnBatch batch, int levelStart, int levelEnd, int valueStart)
    {
        var path = _paths[slot];
        var cursors = _cursors[slot];
        var column = _columns[slot];
        var maxDefinition = column.MaxDefinitionLevel;
        var hasDefinition = maxDefinition > 0;
        var hasRepetition = column.MaxRepetitionLevel > 0;
        var valueIndex = valueStart;
        for (var entry = levelStart; entry < levelEnd; entry++)
        {
            int definition = hasDefinition ? batch.DefinitionLevels[entry] : 0;
            int repetition = hasRepetition ? batch.RepetitionLevels[entry] : 0;
            if (entry == levelStart && repetition != 0) ThrowCorrupt(column, "a row starts with a non-zero repetition level");
            var group = row;
            for (var i = 0; i < path.Length; i++)
            {
                var node = path[i];
                if (node.IsRepeated)
                {
                    var list = group.Fields[node.ChildIndex] as List<object?>;
                    if (list is null)
                    {
                        list = [];
                        group.Fields[node.ChildIndex] = list;
                    }
                    if (definition < node.DefinitionLevel) break; // an empty list (or an empty ancestor)
                    int position;
                    if (node.RepetitionLevel > repetition) position = 0;
                    else if (node.RepetitionLevel == repetition) position = cursors[i] + 1;
                    else position = cursors[i];
                    cursors[i] = position;
                    if (position > list.Count || (node.RepetitionLevel < repetition && position >= list.Count))
                        ThrowCorrupt(column, $"repetition level {repetition} continues an element of '{node.Path}' that does not exist");
                    if (node.IsLeaf)
                    {
                        var value = ReadValue(batch, column, valueIndex++);
                        if (position < list.Count) list[position] = value;
                        else list.Add(value);
                        break;
                    }
                    if (position < list.Count)
                    {
                        group = (ParquetGroup)list[position]!;
                    }
                    else
                    {
                        var element = NewGroup(node);
                        list.Add(element);
                        group = element;
                    }
                }
                else if (node.IsLeaf)
                {
                    if (definition >= node.DefinitionLevel) group.Fields[node.ChildIndex] = ReadValue(batch, column, valueIndex++);
                    break;
                }
                else
                {
                    if (definition < node.DefinitionLevel) break; // a null optional group
                    if (group.Fields[node.ChildIndex] is not ParquetGroup child)
                    {
                        child = NewGroup(node);
                        group.Fields[node.ChildIndex] = child;
                    }
                    group = child;
                }
            }
        }
        return valueIndex - valueStart;
    }

    private static ParquetGroup NewGroup(LevelNode node) => new((GroupNode)node.Node, new object?[node.Children.Length]);

    /// <summary>The value as <see cref="ParquetGroup"/> documents it: UTF-8 annotated byte arrays become strings;
    /// integers stay in their physical width with their raw bits (UINT_32 in an int, UINT_64 in a long).</summary>
    internal static object ReadValue(ColumnBatch batch, ColumnDescriptor column, int valueIndex)
    {
        if ((uint)valueIndex >= (uint)batch.ValueCount) ThrowCorrupt(column, "more values defined by the levels than the page holds");
        switch (column.Type)
        {
            case PhysicalType.Boolean: return batch.Booleans[valueIndex];
            case PhysicalType.Int32: return batch.Int32s[valueIndex];
            case PhysicalType.Int64: return batch.Int64s[valueIndex];
            case PhysicalType.Float: return batch.Floats[valueIndex];
            case PhysicalType.Double: return batch.Doubles[valueIndex];
            default:
                var bytes = batch.GetBytes(valueIndex);
                return column.Node.LogicalType?.Kind is LogicalTypeKind.String or LogicalTypeKind.Enum or LogicalTypeKind.Json
                    ? System.Text.Encoding.UTF8.GetString(bytes)
                    : bytes.ToArray();
        }
    }

    private static void ThrowCorrupt(ColumnDescriptor column, string what)
        => throw new ParquetFormatException($"column '{column.DottedPath}': {what}");
}
