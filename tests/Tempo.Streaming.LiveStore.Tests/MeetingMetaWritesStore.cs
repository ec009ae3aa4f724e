using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>
/// A backend that holds each block's meta.json write until <c>expected</c> of them are waiting at once (or
/// <c>patience</c> has passed), then lets them all through: it shows whether block writes run side by side.
/// </summary>
internal sealed class MeetingMetaWritesStore(IObjectStore inner, int expected, TimeSpan patience) : ObjectStoreDecorator(inner)
{
    private readonly object _lock = new();
    private readonly TaskCompletionSource _met = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>The most meta.json writes that were waiting at the same time.</summary>
    public int MostWaitingAtOnce { get; private set; }

    public override async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await MeetAsync(key);
        await Inner.PutAsync(key, content, cancellationToken);
    }

    public override async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        await MeetAsync(key);
        await Inner.PutAsync(key, content, cancellationToken);
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
}
