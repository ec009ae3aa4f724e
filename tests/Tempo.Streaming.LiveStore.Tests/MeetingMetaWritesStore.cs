using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>
/// A backend that holds each block's meta.json write until <c>expected</c> of them are waiting at once (or
/// <c>patience</c> has passed), then lets them all through: it shows whether block writes run side by side.
/// </summary>
internal sealed class MeetingMetaWritesStore(IObjectStore inner, int expected, TimeSpan patience) : IObjectStore
{
    private readonly object _lock = new();
    private readonly TaskCompletionSource _met = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>The most meta.json writes that were waiting at the same time.</summary>
    public int MostWaitingAtOnce { get; private set; }

    public string Description => inner.Description;

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await MeetAsync(key);
        await inner.PutAsync(key, content, cancellationToken);
    }

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        await MeetAsync(key);
        await inner.PutAsync(key, content, cancellationToken);
    }

    private async Task MeetAsync(string key)
    {
        if (!key.EndsWith("/meta.json", StringComparison.Ordinal))
        {
            return;
        }
        lock (_lock)
        {
            MostWaitingAtOnce = Math.Max(MostWaitingAtOnce, ++_waiting);
            if (_waiting >= expected)
            {
                _met.TrySetResult();
            }
        }
        await Task.WhenAny(_met.Task, Task.Delay(patience));
        lock (_lock)
        {
            _waiting--;
        }
    }

    public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        inner.ReadRangeAsync(key, offset, destination, cancellationToken);

    public Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default) => inner.GetSizeAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public IAsyncEnumerable<string> ListFoldersAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListFoldersAsync(prefix, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
}
