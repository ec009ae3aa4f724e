namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// Tag-index keys (with their hashes) built for a prepared batch, in one reusable byte arena, so the apply step under
/// the store's lock only probes a cache and puts.
/// </summary>
internal sealed class IndexKeys
{
    private byte[] _arena = new byte[64 * 1024];
    private int _used;
    private readonly List<(int Start, int Length, ulong Hash)> _keys = [];

    public int Count => _keys.Count;

    public ReadOnlySpan<byte> Key(int index)
    {
        var (start, length, _) = _keys[index];
        return _arena.AsSpan(start, length);
    }

    public ulong Hash(int index) => _keys[index].Hash;

    public void Add(ReadOnlySpan<byte> key, ulong hash)
    {
        if (_used + key.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + key.Length));
        }

        key.CopyTo(_arena.AsSpan(_used));
        _keys.Add((_used, key.Length, hash));
        _used += key.Length;
    }

    /// <summary>Drops the keys from <paramref name="count"/> on (a record that turned out undecodable).</summary>
    public void Truncate(int count)
    {
        if (count < _keys.Count)
        {
            _used = _keys[count].Start;
            _keys.RemoveRange(count, _keys.Count - count);
        }
    }

    public void Clear()
    {
        _keys.Clear();
        _used = 0;
    }
}
