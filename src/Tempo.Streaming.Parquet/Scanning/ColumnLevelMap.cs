namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// Relates the definition levels of one column to repetition depths (the slots of <see cref="RowNumber"/>): the k-th
/// repeated node on the column's path exists for an entry when the entry's definition level reaches that node's
/// definition level. Built once per column; the lookups are array reads.
/// </summary>
public sealed class ColumnLevelMap
{
    private readonly int[] _depthByDefinition;
    private readonly int[] _definitionByDepth;

    public ColumnLevelMap(ColumnDescriptor column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.MaxRepetitionLevel >= RowNumber.MaxDepth)
        {
            throw new NotSupportedException(
                $"column '{column.DottedPath}' nests {column.MaxRepetitionLevel} repeated fields; row numbers hold at most {RowNumber.MaxDepth - 1}");
        }

        MaxDefinitionLevel = column.MaxDefinitionLevel;
        MaxDepth = column.MaxRepetitionLevel;
        _definitionByDepth = new int[MaxDepth + 1];
        var definition = 0;
        var depth = 0;
        foreach (var node in column.PathNodes)
        {
            if (node.Repetition != Repetition.Required) definition++;
            if (node.Repetition == Repetition.Repeated) _definitionByDepth[++depth] = definition;
        }

        _depthByDefinition = new int[MaxDefinitionLevel + 1];
        for (var d = 0; d <= MaxDefinitionLevel; d++)
        {
            var k = 0;
            while (k < MaxDepth && d >= _definitionByDepth[k + 1]) k++;
            _depthByDefinition[d] = k;
        }
    }

    /// <summary>The column's maximum definition level (a non-null value).</summary>
    public int MaxDefinitionLevel { get; }

    /// <summary>The column's maximum repetition level = its deepest row-number slot.</summary>
    public int MaxDepth { get; }

    /// <summary>The deepest repetition depth at which an entry with this definition level exists (0 = only the row).</summary>
    public int ExistingDepth(int definitionLevel) => _depthByDefinition[definitionLevel];

    /// <summary>The definition level at which the repeated node of <paramref name="depth"/> holds an element.</summary>
    public int DefinitionLevelOfDepth(int depth) => _definitionByDepth[depth];
}
