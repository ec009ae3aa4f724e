namespace Tempo.Streaming.Parquet;

/// <summary>
/// Decoded pages of row reads (<see cref="RecordReader.OpenRowsAsync"/>), shared by every file that names it in its
/// <see cref="ParquetReadOptions"/>: decompressed data pages with their row-start index, and decoded dictionary
/// pages. Bounded by <see cref="CapacityBytes"/>, least recently used dropped first; thread-safe. Tempo keeps the
/// same kind of thing in its "parquet-page" cache role, so repeated trace-by-ID lookups in a block cost the row's
/// entries instead of decompressing and scanning a page per column.
/// </summary>
/// <remarks>
/// Entries are immutable once built, so a hit hands the same instance to concurrent readers; a page evicted while a
/// reader uses it simply stays alive until that reader is done. Two readers missing the same page at once both decode
/// it and the first to finish keeps its copy.
/// </remarks>
public sealed class PageCache
{
    /// <summary>The default budget: a 20,000-trace vParquet4 block decodes to about 60 MiB, so a few hot blocks fit.</summary>
    public const long DefaultCapacityBytes = 256L << 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<PageKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new(); // most recent first
    private long _bytes;
    private long _hits;
    private long _misses;
    private long _evictions;

    public PageCache(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    /// <summary>The process-wide cache that <see cref="ParquetReadOptions.Default"/> uses.</summary>
    public static PageCache Shared { get; } = new(DefaultCapacityBytes);

    public long CapacityBytes { get; }

    /// <summary>Bytes held now (decoded arrays and their bookkeeping, roughly); never above <see cref="CapacityBytes"/>.</summary>
    public long Bytes
    {
        get { lock (_lock) return _bytes; }
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Drops every entry (counters stay).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    internal bool TryGet<T>(in PageKey key, out T page) where T : CachedPage
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node) && node.Value.Page is T found)
            {
                if (node != _recency.First)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                }
                _hits++;
                page = found;
                return true;
            }
            _misses++;
        }
        page = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="page"/> unless an entry for the key exists; returns the entry the cache holds
    /// (or <paramref name="page"/> itself when it is larger than the whole budget and is not kept).</summary>
    internal T Add<T>(in PageKey key, T page) where T : CachedPage
    {
        var size = page.SizeBytes;
        if (size > CapacityBytes) return page;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing) && existing.Value.Page is T kept) return kept;
            if (existing is not null)
            {
                _recency.Remove(existing);
                _bytes -= existing.Value.Page.SizeBytes;
            }
            _entries[key] = _recency.AddFirst(new Entry(key, page));
            _bytes += size;
            while (_bytes > CapacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Page.SizeBytes;
                _evictions++;
            }
        }
        return page;
    }

    private sealed record Entry(PageKey Key, CachedPage Page);
}

/// <summary>A page of one file: <paramref name="File"/> is the file's identity (equal for readers of the same bytes),
/// <paramref name="Offset"/> the page's offset in it.</summary>
internal readonly record struct PageKey(object File, long Offset);

/// <summary>What the page cache holds: an immutable decoded page that knows its footprint.</summary>
internal abstract class CachedPage
{
    /// <summary>Bytes of memory the entry keeps alive (arrays plus object headers, roughly).</summary>
    public abstract long SizeBytes { get; }
}

/// <summary>A decoded dictionary page (values in a <see cref="ColumnBatch"/>).</summary>
internal sealed class CachedDictionary(ColumnBatch dictionary) : CachedPage
{
    public ColumnBatch Dictionary { get; } = dictionary;

    public override long SizeBytes { get; } = DecodedSizes.Of(dictionary);
}
