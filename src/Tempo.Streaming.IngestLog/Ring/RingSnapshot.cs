using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// The current ring of a store and its <see cref="IPartitionRingStore.Changed"/> event. Updates run one at a time and
/// raise Changed before the next update starts, so handlers see the rings in the order they were built and the last
/// ring a handler saw is <see cref="Current"/>.
/// </summary>
internal sealed class RingSnapshot(ILogger logger)
{
    private readonly Lock _update = new();
    private volatile PartitionRingDesc _current = PartitionRingDesc.Empty;

    public PartitionRingDesc Current => _current;

    public event Action<PartitionRingDesc>? Changed;

    /// <summary>Replaces the ring with <paramref name="update"/>(current) and raises Changed when it returned a new ring.</summary>
    public void Update<TState>(TState state, Func<PartitionRingDesc, TState, PartitionRingDesc> update)
    {
        lock (_update)
        {
            var before = _current;
            var after = update(before, state);
            if (ReferenceEquals(before, after))
            {
                return;
            }

            _current = after;
            var handlers = Changed;
            if (handlers is null)
            {
                return;
            }

            // One failing subscriber must neither stop the others nor fail the write that changed the ring.
            foreach (var handler in handlers.GetInvocationList())
            {
                try
                {
                    ((Action<PartitionRingDesc>)handler)(after);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    RingLogMessages.ChangedHandlerFailed(logger, e);
                }
            }
        }
    }
}
