using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// A hierarchical position inside a Parquet file: one counter per repetition depth. Slot 0 is the row (record) number
/// in the file — counted over every row group of the file, so iterators over different row-group ranges agree — and
/// slot k (1 ≤ k ≤ 7) is the index of the current element of the k-th repeated field on the column's path, within its
/// parent element. A slot is -1 when that element does not exist (an empty or absent list, or a level deeper than the
/// column has).
/// <para>
/// This is the idea of Tempo's <c>pkg/parquetquery</c> RowNumber, with one difference that matters for schemas whose
/// lists are optional: Tempo indexes the slots by definition level, which only works when every repeated node's
/// definition level equals its repetition level (true of vParquet4, whose LIST groups are all required); here the
/// slots are indexed by repetition depth and a <see cref="ColumnLevelMap"/> turns a definition level into "how deep
/// the entry exists", so the same positions come out for any nesting. For vParquet4 the depths are Tempo's:
/// 0 = trace, 1 = resource spans, 2 = scope spans, 3 = span, 4 = span attribute (or event, link), 5 = array value.
/// </para>
/// <para>
/// Walking a column entry by entry (<see cref="Next(int, int)"/>): at repetition level r, slot r increments (r = 0
/// starts a new row), the slots r+1 … d reset to 0 where d is the depth at which the entry exists, and deeper slots
/// become -1. Example, the Dremel paper's <c>Name.Language.Country</c> (Name and Language repeated, Country optional;
/// depth 1 = Name, depth 2 = Language):
/// <code>
/// value | r | d(ef) | exists to depth | position
/// us    | 0 | 3     | 2               | [0, 0, 0]
/// null  | 2 | 2     | 2               | [0, 0, 1]   (a Language without Country)
/// null  | 1 | 1     | 1               | [0, 1, -1]  (a Name without Language)
/// gb    | 1 | 3     | 2               | [0, 2, 0]
/// null  | 0 | 1     | 1               | [1, 0, -1]
/// </code>
/// Positions compare slot by slot from the row down (<see cref="Compare(in RowNumber, in RowNumber, int)"/>), up to a
/// depth: two entries of different columns belong to the same span when they are equal at the span's depth.
/// </para>
/// </summary>
public struct RowNumber : IEquatable<RowNumber>
{
    /// <summary>Number of slots: the row plus up to 7 nested repeated levels.</summary>
    public const int MaxDepth = 8;

    private Slots _slots;

    /// <summary>The position before the first row: every slot -1.</summary>
    public static RowNumber Empty
    {
        get
        {
            var r = default(RowNumber);
            ((Span<int>)r._slots).Fill(-1);
            return r;
        }
    }

    /// <summary>A position from explicit slots (missing trailing slots are -1).</summary>
    public static RowNumber Create(params ReadOnlySpan<int> slots)
    {
        if (slots.Length > MaxDepth) throw new ArgumentException($"a row number has at most {MaxDepth} slots, got {slots.Length}", nameof(slots));
        var r = Empty;
        slots.CopyTo(r._slots);
        return r;
    }

    /// <summary>The slot at <paramref name="depth"/> (0 = row).</summary>
    public readonly int this[int depth] => _slots[depth];

    /// <summary>The row (record) number in the file.</summary>
    public readonly long Row => _slots[0];

    /// <summary>False for <see cref="Empty"/> (no entry read yet).</summary>
    public readonly bool IsValid => _slots[0] >= 0;

    /// <summary>The deepest slot that is not -1 (-1 for <see cref="Empty"/>).</summary>
    public readonly int DefinedDepth
    {
        get
        {
            for (var i = MaxDepth - 1; i >= 0; i--)
            {
                if (_slots[i] >= 0) return i;
            }
            return -1;
        }
    }

    /// <summary>
    /// Advances to the next entry of a column: <paramref name="repetitionLevel"/> is the entry's repetition level and
    /// <paramref name="existingDepth"/> the depth at which it exists (<see cref="ColumnLevelMap.ExistingDepth"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next(int repetitionLevel, int existingDepth)
    {
        Span<int> s = _slots;
        s[repetitionLevel]++;
        for (var i = repetitionLevel + 1; i < MaxDepth; i++) s[i] = i <= existingDepth ? 0 : -1;
    }

    /// <summary>Advances from the levels of an entry of the column described by <paramref name="levels"/>.</summary>
    public void Next(int repetitionLevel, int definitionLevel, ColumnLevelMap levels) => Next(repetitionLevel, levels.ExistingDepth(definitionLevel));

    /// <summary>Skips whole rows: the row advances by <paramref name="rows"/> and the nested slots become -1
    /// (the position of the last skipped row's end, like Tempo's Skip).</summary>
    public void Skip(long rows)
    {
        Span<int> s = _slots;
        s[0] = checked((int)(s[0] + rows));
        s[1..].Fill(-1);
    }

    /// <summary>The position with every slot deeper than <paramref name="depth"/> set to -1.</summary>
    public readonly RowNumber TruncateTo(int depth)
    {
        var r = this;
        if (depth + 1 < MaxDepth) ((Span<int>)r._slots)[(depth + 1)..].Fill(-1);
        return r;
    }

    /// <summary>Compares slots 0 … <paramref name="depth"/> in order; deeper slots are ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compare(in RowNumber a, in RowNumber b, int depth)
    {
        for (var i = 0; i <= depth; i++)
        {
            var x = a._slots[i];
            var y = b._slots[i];
            if (x != y) return x < y ? -1 : 1;
        }
        return 0;
    }

    /// <summary>True when slots 0 … <paramref name="depth"/> are equal (same element at that depth).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualAt(in RowNumber a, in RowNumber b, int depth) => Compare(a, b, depth) == 0;

    public readonly bool Equals(RowNumber other) => Compare(this, other, MaxDepth - 1) == 0;

    public override readonly bool Equals(object? obj) => obj is RowNumber other && Equals(other);

    public override readonly int GetHashCode()
    {
        var h = new HashCode();
        for (var i = 0; i < MaxDepth; i++) h.Add(_slots[i]);
        return h.ToHashCode();
    }

    public static bool operator ==(RowNumber left, RowNumber right) => left.Equals(right);
    public static bool operator !=(RowNumber left, RowNumber right) => !left.Equals(right);

    /// <summary>The slots down to the deepest defined one, e.g. <c>[3, 0, 1]</c>.</summary>
    public override readonly string ToString()
    {
        var last = Math.Max(DefinedDepth, 0);
        var parts = new string[last + 1];
        for (var i = 0; i <= last; i++) parts[i] = _slots[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }

    [InlineArray(MaxDepth)]
    private struct Slots
    {
        private int _element0;
    }
}
