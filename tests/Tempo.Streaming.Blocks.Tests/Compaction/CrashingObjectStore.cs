using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.Blocks.Tests.Compaction;

/// <summary>
/// Simulates the process being killed just before one backend write: when a put or delete matches
/// <paramref name="crashBefore"/>, that write does not happen, the run's token is cancelled and every later call fails
/// the same way — nothing after the kill point reaches the backend. Reads before the crash pass through.
/// </summary>
internal sealed class CrashingObjectStore(IObjectStore inner, Func<string, string, bool> crashBefore) : IObjectStore
{
    private readonly CancellationTokenSource _crash = new();

    /// <summary>The token to run the compactor with: cancelled at the kill point.</summary>
    public CancellationToken Token => _crash.Token;

    public bool Crashed => _crash.IsCancellationRequested;

    public string Description => inner.Description;

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        Check("put", key);
        return inner.PutAsync(key, content, cancellationToken);
    }

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        Check("put", key);
        return inner.PutAsync(key, content, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Check("delete", key);
        return inner.DeleteAsync(key, cancellationToken);
    }

    public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Check(null, key);
        return inner.GetAsync(key, cancellationToken);
    }

    public Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Check(null, key);
        return inner.ReadRangeAsync(key, offset, destination, cancellationToken);
    }

    public Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        Check(null, key);
        return inner.GetSizeAsync(key, cancellationToken);
    }

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Check(null, prefix);
        return inner.ListAsync(prefix, cancellationToken);
    }

    public IAsyncEnumerable<string> ListFoldersAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Check(null, prefix);
        return inner.ListFoldersAsync(prefix, cancellationToken);
    }

    private void Check(string? write, string key)
    {
        if (!_crash.IsCancellationRequested && write is not null && crashBefore(write, key))
        {
            _crash.Cancel();
        }
        _crash.Token.ThrowIfCancellationRequested();
    }
}
