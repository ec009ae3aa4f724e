using System.Diagnostics;

namespace Tempo.Streaming.Cli.Replay;

/// <summary>
/// Counters the replay updates from its read loop and the console view samples: records read of the planned total,
/// where the read is, and the partition's high watermark, so the view can show records/s, ETA and lag.
/// </summary>
internal sealed class ReplayProgress
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _records;
    private long _nextOffset;
    private long _highWatermark;
    private int _partition;

    /// <param name="plannedRecords">Offsets the plan replays (the log may hold fewer records: Kafka offsets can have holes).</param>
    public ReplayProgress(long plannedRecords) => PlannedRecords = plannedRecords;

    public long PlannedRecords { get; }

    public long Records => Interlocked.Read(ref _records);

    public TimeSpan Elapsed => _clock.Elapsed;

    public int Partition => Volatile.Read(ref _partition);

    /// <summary>Records between the replay's position and the partition's high watermark (when the replay started it).</summary>
    public long Lag => Math.Max(0, Interlocked.Read(ref _highWatermark) - Interlocked.Read(ref _nextOffset));

    public double RecordsPerSecond => Elapsed.TotalSeconds > 0 ? Records / Elapsed.TotalSeconds : 0;

    /// <summary>Time left at the average rate so far; null before the first records.</summary>
    public TimeSpan? Eta
    {
        get
        {
            var rate = RecordsPerSecond;
            return rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, PlannedRecords - Records) / rate) : null;
        }
    }

    public void StartPartition(int partition, long fromOffset, long highWatermark)
    {
        Volatile.Write(ref _partition, partition);
        Interlocked.Exchange(ref _nextOffset, fromOffset);
        Interlocked.Exchange(ref _highWatermark, highWatermark);
    }

    public void Read(int records, long nextOffset)
    {
        Interlocked.Add(ref _records, records);
        Interlocked.Exchange(ref _nextOffset, nextOffset);
    }
}
