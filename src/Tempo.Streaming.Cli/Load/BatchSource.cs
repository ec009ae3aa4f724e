using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load;

/// <summary>Hands out the batches of a run to senders, in order. Thread-safe.</summary>
internal abstract class BatchSource : IDisposable
{
    /// <summary>The workload the batches come from (to name their traces).</summary>
    public abstract ShopWorkload Workload { get; }

    /// <summary>
    /// Fills <paramref name="writer"/> with the next batch's <c>ExportTraceServiceRequest</c>; false when the run
    /// is over (limit reached, deadline passed, <paramref name="stop"/> signalled, or the input file ended).
    /// </summary>
    public abstract bool TryNext(SenderState sender, CancellationToken stop, out BatchInfo batch);

    public virtual void Dispose()
    {
    }
}

/// <summary>Per-sender reusable buffers and encoders (nothing here is shared between senders).</summary>
internal sealed class SenderState(int index, ShopBatchEncoder? encoder)
{
    public int Index { get; } = index;
    public ShopBatchEncoder? Encoder { get; } = encoder;
    public ProtoBufferWriter Protobuf { get; } = new(1 << 20);
    public byte[] FileBuffer = new byte[1 << 20];
    public ReadOnlyMemory<byte> Request;
}

/// <summary>Batches of the generated shop workload: claims trace ranges under a lock, encodes outside it.</summary>
internal sealed class GeneratedBatchSource : BatchSource
{
    private readonly ShopWorkload _workload;
    private readonly int _batchSpans;
    private readonly long _endTrace;
    private readonly DateTime? _deadline;
    private readonly Lock _lock = new();
    private long _nextTrace;

    public GeneratedBatchSource(ShopWorkload workload, long firstTrace, long? traces, TimeSpan? duration, int batchSpans)
    {
        _workload = workload;
        _batchSpans = batchSpans;
        _nextTrace = firstTrace;
        _endTrace = traces is { } n ? firstTrace + n : long.MaxValue;
        _deadline = duration is { } d ? DateTime.UtcNow + d : null;
    }

    public override ShopWorkload Workload => _workload;

    public override bool TryNext(SenderState sender, CancellationToken stop, out BatchInfo batch)
    {
        batch = default;
        if (stop.IsCancellationRequested || (_deadline is { } deadline && DateTime.UtcNow >= deadline))
        {
            return false;
        }
        long first;
        int traces;
        int spans;
        lock (_lock)
        {
            if (_nextTrace >= _endTrace)
            {
                return false;
            }
            first = _nextTrace;
            traces = _workload.TracesForBatch(first, _batchSpans, _endTrace, out spans);
            _nextTrace += traces;
        }
        var written = sender.Encoder!.Encode(first, traces, sender.Protobuf);
        batch = new BatchInfo(first, traces, written);
        sender.Request = sender.Protobuf.WrittenMemory;
        return spans == written
            ? true
            : throw new InvalidOperationException($"encoder wrote {written} spans where the plan had {spans} (traces {first}+{traces})");
    }
}

/// <summary>Batches recorded by <c>load --out</c>, replayed in file order.</summary>
internal sealed class FileBatchSource : BatchSource
{
    private readonly BatchFileReader _reader;
    private readonly long _endTrace;
    private readonly DateTime? _deadline;
    private readonly Lock _lock = new();
    private bool _ended;

    public FileBatchSource(string path, long? traces, TimeSpan? duration)
    {
        _reader = new BatchFileReader(path);
        Workload = new ShopWorkload(_reader.Header.Seed, _reader.Header.BaseTimeUnixNano);
        _endTrace = traces ?? long.MaxValue;
        _deadline = duration is { } d ? DateTime.UtcNow + d : null;
    }

    public override ShopWorkload Workload { get; }

    /// <summary>Traces replayed so far (for <c>--traces</c>, counted from the start of the file).</summary>
    private long _traces;

    public override bool TryNext(SenderState sender, CancellationToken stop, out BatchInfo batch)
    {
        batch = default;
        if (stop.IsCancellationRequested || (_deadline is { } deadline && DateTime.UtcNow >= deadline))
        {
            return false;
        }
        lock (_lock)
        {
            if (_ended || _traces >= _endTrace || !_reader.TryRead(ref sender.FileBuffer, out batch, out var length))
            {
                _ended = true;
                return false;
            }
            _traces += batch.TraceCount;
            sender.Request = sender.FileBuffer.AsMemory(0, length);
            return true;
        }
    }

    public override void Dispose() => _reader.Dispose();
}
