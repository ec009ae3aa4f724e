using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.LiveStore.Storage;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// The traces that received data recently — Tempo's "live traces": a trace stays live until it has been idle for
/// <c>max_trace_idle</c> or live for <c>max_trace_live</c>. Their byte total is what <c>max_live_traces_bytes</c>
/// bounds: consumption pauses while it is at the limit and resumes as traces expire, so acknowledged data is delayed,
/// never dropped. Each entry also caches the trace's persisted <see cref="TraceSummary"/> so the applier reads RocksDB
/// only for traces it has not seen lately. Used under the store's apply lock only.
/// </summary>
internal sealed class LiveTraces
{
    private readonly Dictionary<LiveTraceKey, LiveTrace> _traces = [];
    private readonly long _idleTicks;
    private readonly long _liveTicks;
    private long _bytes;
    private long _count;

    public LiveTraces(TimeSpan maxIdle, TimeSpan maxLive)
    {
        _idleTicks = maxIdle.Ticks;
        _liveTicks = maxLive.Ticks;
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Count => Interlocked.Read(ref _count);

    public bool TryGet(in LiveTraceKey key, out LiveTrace trace) => _traces.TryGetValue(key, out trace!);

    public LiveTrace Add(in LiveTraceKey key, TraceSummary summary, long nowTicks)
    {
        var trace = new LiveTrace { Summary = summary, FirstSeenTicks = nowTicks, LastSeenTicks = nowTicks };
        _traces[key] = trace;
        Interlocked.Increment(ref _count);
        return trace;
    }

    public void Received(LiveTrace trace, long bytes, long nowTicks)
    {
        trace.LastSeenTicks = nowTicks;
        trace.LiveBytes += bytes;
        Interlocked.Add(ref _bytes, bytes);
    }

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
            if (_traces.Remove(key, out var trace))
            {
                Interlocked.Add(ref _bytes, -trace.LiveBytes);
                Interlocked.Decrement(ref _count);
            }
        }

        return expired.Count;
    }

    /// <summary>Drops everything (after a failed write left cached summaries ahead of the database).</summary>
    public void Clear()
    {
        _traces.Clear();
        Interlocked.Exchange(ref _bytes, 0);
        Interlocked.Exchange(ref _count, 0);
    }
}

internal readonly record struct LiveTraceKey(string Tenant, TraceId TraceId);

internal sealed class LiveTrace
{
    public TraceSummary Summary;
    public long FirstSeenTicks;
    public long LastSeenTicks;
    public long LiveBytes;
}
