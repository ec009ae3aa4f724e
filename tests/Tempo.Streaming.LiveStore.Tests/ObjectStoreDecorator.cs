using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>A backend that passes every call to <c>inner</c>; test stores override the writes they change.</summary>
internal abstract class ObjectStoreDecorator(IObjectStore inner) : IObjectStore
{
    protected IObjectStore Inner => inner;

    public string Description => inner.Description;

    public virtual Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, content, cancellationToken);

    public virtual Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, content, cancellationToken);

    public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        inner.ReadRangeAsync(key, offset, destination, cancellationToken);

    public Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default) => inner.GetSizeAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public IAsyncEnumerable<string> ListFoldersAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListFoldersAsync(prefix, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
}
