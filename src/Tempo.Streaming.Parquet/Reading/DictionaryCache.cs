namespace Tempo.Streaming.Parquet;

/// <summary>
/// Decoded dictionary pages of a file's column chunks, bounded by their size in memory and evicting the least
/// recently used. Thread-safe: concurrent row reads share it. A dictionary is immutable once decoded, so a hit hands
/// out the same instance to every reader.
/// </summary>
internal sealed class DictionaryCache(long capacityBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int RowGroup, int Column), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new(); // most recent first
    private long _bytes;

    public long Bytes
    {
        get { lock (_lock) return _bytes; }
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public bool TryGet(int rowGroup, int column, out ColumnBatch dictionary)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((rowGroup, column), out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                dictionary = node.Value.Dictionary;
                return true;
            }
        }
        dictionary = null!;
        return false;
    }

    public void Add(int rowGroup, int column, ColumnBatch dictionary)
    {
        var size = SizeOf(dictionary);
        if (size > capacityBytes) return; // would evict everything and still not fit
        lock (_lock)
        {
            if (_entries.ContainsKey((rowGroup, column))) return; // a concurrent reader decoded it too
            var node = _recency.AddFirst(new Entry(rowGroup, column, dictionary, size));
            _entries[(rowGroup, column)] = node;
            _bytes += size;
            while (_bytes > capacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove((oldest.Value.RowGroup, oldest.Value.Column));
                _bytes -= oldest.Value.Size;
            }
        }
    }

    /// <summary>Bytes the decoded values hold (arrays and object headers, roughly).</summary>
    internal static long SizeOf(ColumnBatch dictionary) => 128L
        + dictionary.Booleans.Length
        + 4L * dictionary.Int32s.Length
        + 8L * dictionary.Int64s.Length
        + 4L * dictionary.Floats.Length
        + 8L * dictionary.Doubles.Length
        + dictionary.ByteData.Length
        + 4L * dictionary.ByteOffsets.Length;

    private sealed record Entry(int RowGroup, int Column, ColumnBatch Dictionary, long Size);
}
