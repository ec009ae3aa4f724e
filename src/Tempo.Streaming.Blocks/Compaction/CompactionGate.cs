namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// Lets work that must not fall behind go before compaction when both share a process (the single binary: a live
/// store's block cuts and the compactor on the same cores). While anyone holds the gate, a running compaction pauses
/// between traces and resumes when the last holder lets go; it never stops half-written, it only waits. A compactor in
/// a process of its own gets no gate and never waits.
/// </summary>
public sealed class CompactionGate
{
    private readonly object _lock = new();
    private TaskCompletionSource _open = NewOpen();
    private int _holders;
    private int _waiting;

    private static TaskCompletionSource NewOpen()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>Whether compaction may run now.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _holders == 0;
            }
        }
    }

    /// <summary>Closes the gate until the returned handle is disposed (holds nest: the gate opens when the last one goes).</summary>
    public IDisposable Hold()
    {
        lock (_lock)
        {
            if (_holders++ == 0)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        return new Holder(this);
    }

    /// <summary>Compactions paused at the gate right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Completes at once while the gate is open, else when it opens.</summary>
    public async Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        Task open;
        lock (_lock)
        {
            open = _open.Task;
        }
        if (open.IsCompleted)
        {
            return;
        }
        Interlocked.Increment(ref _waiting);
        try
        {
            await open.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private void Release()
    {
        lock (_lock)
        {
            if (--_holders == 0)
            {
                _open.SetResult();
            }
        }
    }

    private sealed class Holder(CompactionGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
