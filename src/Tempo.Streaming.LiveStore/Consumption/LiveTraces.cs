using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.LiveStore.Storage;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// The traces that received data recently — Tempo's "live traces": a trace stays live until it has been idle for
/// <c>max_trace_idle</c> or live for <c>max_trace_live</c>. Each entry caches the trace's persisted
/// <see cref="TraceSummary"/>, so the applier reads RocksDB only for traces it has not seen lately. Unlike Tempo's
/// live traces these hold no span data (that is in RocksDB from the moment it is consumed), so they are not what
/// <c>max_live_traces_bytes</c> bounds; see <see cref="LiveTraceStore"/>. Used under the store's apply lock only.
/// </summary>
internal sealed class LiveTraces
{
    private readonly Dictionary<LiveTraceKey, LiveTrace> _traces = [];
    private readonly long _idleTicks;
    private readonly long _liveTicks;
    private long _count;

    public LiveTraces(TimeSpan maxIdle, TimeSpan maxLive)
    {
        _idleTicks = maxIdle.Ticks;
        _liveTicks = maxLive.Ticks;
    }

    public long Count => Interlocked.Read(ref _count);

    public bool TryGet(in LiveTraceKey key, out LiveTrace trace) => _traces.TryGetValue(key, out trace!);

    public LiveTrace Add(in LiveTraceKey key, TraceSummary summary, long nowTicks)
    {
        var trace = new LiveTrace { Summary = summary, FirstSeenTicks = nowTicks, LastSeenTicks = nowTicks };
        _traces[key] = trace;
        Interlocked.Increment(ref _count);
        return trace;
    }

    public static void Received(LiveTrace trace, long nowTicks) => trace.LastSeenTicks = nowTicks;

    /// <summary>Forgets traces past their idle or live time; returns how many expired.</summary>
    public int Expire(long nowTicks)
    {
        List<LiveTraceKey>? expired = null;
        foreach (var (key, trace) in _traces)
        {
            if (nowTicks - trace.LastSeenTicks >= _idleTicks || nowTicks - trace.FirstSeenTicks >= _liveTicks)
            {
                (expired ??= []).Add(key);
            }
        }

        if (expired is null)
        {
            return 0;
        }

        foreach (var key in expired)
        {
            if (_traces.Remove(key))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        return expired.Count;
    }

    /// <summary>Forgets one trace (its stored data was deleted after a flush).</summary>
    public void Remove(in LiveTraceKey key)
    {
        if (_traces.Remove(key))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Drops everything (after a failed write left cached summaries ahead of the database).</summary>
    public void Clear()
    {
        _traces.Clear();
        Interlocked.Exchange(ref _count, 0);
    }
}

internal readonly record struct LiveTraceKey(string Tenant, TraceId TraceId);

internal sealed class LiveTrace
{
    public required TraceSummary Summary;
    public long FirstSeenTicks;
    public long LastSeenTicks;

    /// <summary>The applier's batch number that last staged this trace's summary (its summary is put once per batch).</summary>
    public long StagedInBatch;
}
