using System.Collections.Concurrent;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>
/// Caches the result of one fetch per key (bloom shards, index, footer, row-group trace IDs of a block); concurrent
/// callers share the fetch in flight. A fetch that fails is forgotten, so a transient backend error is retried by the
/// next caller instead of being served from the cache forever.
/// </summary>
internal sealed class FetchCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _entries = new();

    public async Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> fetch)
    {
        var entry = _entries.GetOrAdd(key, static (k, f) => new Lazy<Task<TValue>>(() => f(k)), fetch);
        try
        {
            return await entry.Value.ConfigureAwait(false);
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, entry));
            throw;
        }
    }
}
