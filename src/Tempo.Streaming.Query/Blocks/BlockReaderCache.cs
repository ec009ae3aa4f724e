using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Query.Blocks;

/// <summary>
/// Open <see cref="BlockReader"/>s by tenant and block ID, least recently used evicted beyond the capacity. A reader
/// keeps what it fetched (bloom shards, index, footer, each row group's trace IDs), so reusing it across lookups saves
/// those reads; the bound keeps that memory in check when a tenant has many blocks. Blocks are immutable once their
/// meta.json exists, so a cached reader never goes stale; a reader whose block turned out unreadable is removed.
/// </summary>
internal sealed class BlockReaderCache(IObjectStore store, PageCache pageCache, int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, Guid BlockId), LinkedListNode<BlockReader>> _readers = [];
    private readonly LinkedList<BlockReader> _recency = new();

    /// <summary>The cached reader of the block, or a new one (opening takes no I/O: the meta is known).</summary>
    /// <exception cref="BlockCorruptException">The meta cannot describe a readable block (format, size).</exception>
    public BlockReader Get(BlockMeta meta)
    {
        var key = (meta.TenantId, meta.BlockId);
        lock (_lock)
        {
            if (_readers.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value;
            }
        }

        var reader = BlockReader.Open(store, meta, pageCache);
        lock (_lock)
        {
            // Another lookup may have opened it meanwhile: keep the first, so its fetched state is shared.
            if (_readers.TryGetValue(key, out var node))
            {
                return node.Value;
            }

            _readers[key] = _recency.AddFirst(reader);
            while (_readers.Count > capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _readers.Remove((oldest.Value.Tenant, oldest.Value.BlockId));
            }

            return reader;
        }
    }

    public void Remove(string tenant, Guid blockId)
    {
        lock (_lock)
        {
            if (_readers.Remove((tenant, blockId), out var node))
            {
                _recency.Remove(node);
            }
        }
    }
}
