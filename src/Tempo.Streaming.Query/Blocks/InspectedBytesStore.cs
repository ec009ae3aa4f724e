using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.Query.Blocks;

/// <summary>
/// Passes every call to the backend and adds the bytes it reads to the counter of the lookup in progress, so a
/// trace-by-ID lookup can report Tempo's <c>inspectedBytes</c> (bytes read from object storage) although
/// <see cref="Tempo.Streaming.Blocks.BlockFormat.BlockReader"/> keeps no counter. The counter travels with the async
/// flow (<see cref="AsyncLocal{T}"/>): reads a lookup triggers are charged to it, including fetches it starts that
/// concurrent lookups then share; what is served from a reader's or the page cache was not read, so it is not counted.
/// <see cref="Description"/> is the inner store's, which keeps the page cache's keys shared with other readers.
/// </summary>
internal sealed class InspectedBytesStore(IObjectStore inner) : IObjectStore
{
    private static readonly AsyncLocal<InspectedBytes?> Current = new();

    public string Description => inner.Description;

    /// <summary>Charges reads in the current async flow (and flows it starts) to a fresh counter until the scope is disposed.</summary>
    public static Scope BeginLookup()
    {
        var previous = Current.Value;
        var counter = new InspectedBytes();
        Current.Value = counter;
        return new Scope(counter, previous);
    }

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, content, cancellationToken);

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, content, cancellationToken);

    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var bytes = await inner.GetAsync(key, cancellationToken).ConfigureAwait(false);
        Current.Value?.Add(bytes.Length);
        return bytes;
    }

    public async Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        await inner.ReadRangeAsync(key, offset, destination, cancellationToken).ConfigureAwait(false);
        Current.Value?.Add(destination.Length);
    }

    public Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default) => inner.GetSizeAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, cancellationToken);

    public IAsyncEnumerable<string> ListFoldersAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListFoldersAsync(prefix, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    /// <summary>Bytes read for one lookup; blocks are read concurrently, hence the atomic add.</summary>
    internal sealed class InspectedBytes
    {
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
    }

    internal readonly struct Scope(InspectedBytes counter, InspectedBytes? previous) : IDisposable
    {
        public long Bytes => counter.Bytes;

        public void Dispose() => Current.Value = previous;
    }
}
