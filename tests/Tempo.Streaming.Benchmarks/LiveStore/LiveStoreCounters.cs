using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>Listens to the live store's meter for the counters a harness run is checked and reported with.</summary>
internal sealed class LiveStoreCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _stored;
    private long _discarded;
    private long _pauses;
    private long _blocksFlushed;
    private long _failedFlushes;
    private long _unflushedBytes;

    public LiveStoreCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Tempo.Streaming.LiveStore" && instrument.Name is "tempo_live_store_spans_stored_total"
                    or "tempo_discarded_spans_total" or "tempo_live_store_consumption_paused_total"
                    or "tempo_live_store_blocks_flushed_total" or "tempo_live_store_failed_flushes_total"
                    or "tempo_live_store_unflushed_bytes")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "tempo_live_store_spans_stored_total":
                    Interlocked.Add(ref _stored, value);
                    break;
                case "tempo_discarded_spans_total":
                    Interlocked.Add(ref _discarded, value);
                    break;
                case "tempo_live_store_consumption_paused_total":
                    Interlocked.Add(ref _pauses, value);
                    break;
                case "tempo_live_store_blocks_flushed_total":
                    Interlocked.Add(ref _blocksFlushed, value);
                    break;
                case "tempo_live_store_unflushed_bytes":
                    Interlocked.Exchange(ref _unflushedBytes, value);
                    break;
                default:
                    Interlocked.Add(ref _failedFlushes, value);
                    break;
            }
        });
        _listener.Start();
    }

    public long StoredSpans => Interlocked.Read(ref _stored);

    public long DiscardedSpans => Interlocked.Read(ref _discarded);

    public long Pauses => Interlocked.Read(ref _pauses);

    public long BlocksFlushed => Interlocked.Read(ref _blocksFlushed);

    public long FailedFlushes => Interlocked.Read(ref _failedFlushes);

    /// <summary>The memtable bytes gauge, observed now.</summary>
    public long UnflushedBytes()
    {
        _listener.RecordObservableInstruments();
        return Interlocked.Read(ref _unflushedBytes);
    }

    public void Dispose() => _listener.Dispose();
}
