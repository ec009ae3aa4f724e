namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>A test on one scanned value, for <see cref="ColumnPredicates.Callback"/>.</summary>
public delegate bool ColumnValueTest(in ColumnValue value);

/// <summary>
/// A condition on the values of one column, checked at every level a scan can skip at — the idea of Tempo's
/// <c>parquetquery.Predicate</c> (KeepColumnChunk / KeepPage / KeepValue) with the dictionary as its own step:
/// <list type="number">
/// <item><see cref="KeepRowGroup"/>: the chunk's min/max/null-count statistics; false = the row group is not read.</item>
/// <item><see cref="KeepDictionary"/>: a dictionary-encoded chunk whose dictionary holds no matching value is skipped
/// without decoding a data page.</item>
/// <item><see cref="KeepPage"/>: a data page's statistics from the column index; false = the page is skipped undecoded.</item>
/// <item><see cref="KeepValue"/>: the exact test on each value (nulls included: only null-matching predicates keep them).</item>
/// </list>
/// The pruning steps must be conservative — they may keep what <see cref="KeepValue"/> later rejects, never the
/// reverse. Predicates are immutable, so one instance may serve concurrent scans.
/// </summary>
public abstract class ColumnPredicate
{
    /// <summary>False when the chunk's statistics prove no value matches.</summary>
    public bool KeepRowGroup(ColumnChunkInfo chunk) => KeepBounds(ValueBounds.FromChunk(chunk));

    /// <summary>False when the page's column-index statistics prove no value of the page matches.</summary>
    public bool KeepPage(ColumnDescriptor column, PageIndexEntry page) => KeepBounds(ValueBounds.FromPage(column, page));

    /// <summary>
    /// False when no dictionary entry matches. Nulls are not in a dictionary: the caller keeps a chunk with nulls
    /// when <see cref="KeepValue"/> accepts a null. Each entry is tested once with <see cref="KeepValue"/>, which is
    /// exact for every predicate, combinators included.
    /// </summary>
    public virtual bool KeepDictionary(ColumnDescriptor column, ColumnBatch dictionary)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(dictionary);
        var decoder = new ColumnValueDecoder(column);
        for (var i = 0; i < dictionary.ValueCount; i++)
        {
            if (KeepValue(decoder.Decode(dictionary, i))) return true;
        }
        return false;
    }

    /// <summary>The exact test.</summary>
    public abstract bool KeepValue(in ColumnValue value);

    /// <summary>False when the bounds prove no value matches. The default keeps everything.</summary>
    public virtual bool KeepBounds(in ValueBounds bounds) => true;

    /// <summary>
    /// True for predicates that cost more per value than a hash lookup (regular expressions, callbacks): for those a
    /// scan of a dictionary-encoded byte-array chunk evaluates each dictionary entry once and answers the values from
    /// that memo.
    /// </summary>
    public virtual bool IsExpensive => false;
}
