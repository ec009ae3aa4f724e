namespace Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

/// <summary>
/// What a column chunk must say about the records written into it, computed from the <see cref="RecordTree"/> records
/// independently of the writer: the number of level entries (the footer's num_values), the entries that are not values
/// (null_count — every entry whose definition level is below the maximum, as parquet-mr, Arrow and parquet-go count them),
/// and min/max in the column's sort order (signed or unsigned integers, IEEE order without NaN, unsigned bytewise
/// for byte arrays; parquet.thrift ColumnOrder TypeDefinedOrder).
/// </summary>
internal sealed class ColumnFacts
{
    private ColumnFacts(ColumnDescriptor column) => Column = column;

    public ColumnDescriptor Column { get; }
    public long Entries { get; private set; }
    public long Nulls { get; private set; }
    public List<object> Values { get; } = [];

    public static ColumnFacts Collect(ParquetSchema schema, ColumnDescriptor column, IEnumerable<object?[]> records)
    {
        var facts = new ColumnFacts(column);
        var top = schema.Root.IndexOf(column.PathNodes[0].Name);
        foreach (var record in records) facts.VisitField(0, record[top]);
        return facts;
    }

    private void VisitField(int depth, object? fieldValue)
    {
        var node = Column.PathNodes[depth];
        if (node.Repetition == Repetition.Repeated)
        {
            var items = (List<object?>?)fieldValue;
            if (items is null || items.Count == 0)
            {
                Entries++;
                Nulls++;
                return;
            }
            foreach (var item in items) VisitValue(depth, item!);
        }
        else if (fieldValue is null)
        {
            Entries++;
            Nulls++;
        }
        else
        {
            VisitValue(depth, fieldValue);
        }
    }

    private void VisitValue(int depth, object value)
    {
        if (depth == Column.PathNodes.Count - 1)
        {
            Entries++;
            Values.Add(value);
            return;
        }
        var group = (GroupNode)Column.PathNodes[depth];
        VisitField(depth + 1, ((object?[])value)[group.IndexOf(Column.PathNodes[depth + 1].Name)]);
    }

    /// <summary>Min and max under the column's sort order; null when the chunk holds no orderable value.</summary>
    public (object Min, object Max)? MinMax()
    {
        object? min = null, max = null;
        foreach (var value in Values)
        {
            if (value is double.NaN or float.NaN) continue;
            if (min is null || Compare(value, min) < 0) min = value;
            if (max is null || Compare(value, max) > 0) max = value;
        }
        return min is null ? null : (min, max!);
    }

    private int Compare(object a, object b)
    {
        var unsigned = Column.Node.LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false };
        return (a, b) switch
        {
            (bool x, bool y) => x.CompareTo(y),
            (int x, int y) => unsigned ? ((uint)x).CompareTo((uint)y) : x.CompareTo(y),
            (long x, long y) => unsigned ? ((ulong)x).CompareTo((ulong)y) : x.CompareTo(y),
            (float x, float y) => x.CompareTo(y),
            (double x, double y) => x.CompareTo(y),
            _ => Bytes(a).AsSpan().SequenceCompareTo(Bytes(b)),
        };
    }

    public static byte[] Bytes(object value) => value switch
    {
        byte[] bytes => bytes,
        string s => System.Text.Encoding.UTF8.GetBytes(s),
        _ => throw new ArgumentException($"not a byte-array value: {value.GetType().Name}"),
    };
}
