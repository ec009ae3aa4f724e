using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Tempo.Streaming.LiveStore;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>
/// One TSV row per sample, with the columns scripts/bench-steady-state.sh writes for a server, so both go through
/// scripts/lib/steady-state-report.py: lag is arrived minus consumed records, flush lag arrived minus flushed records.
/// </summary>
internal sealed class SteadyStateSampler
{
    private const string Header = "t_s\tphase\trss_mib\tlag_records\tflush_lag_records\tstored_spans\tblocks_flushed\tunflushed_bytes\t" +
                                  "appended_records\tfailed_flushes\tpauses\tserver_cpu_s\tsteal_s\trss_anon_mib\tgc_heap_mib\t" +
                                  "rocks_memtables_mib\trocks_pinned_memtables_mib\trocks_block_cache_mib\trocks_table_readers_mib\t" +
                                  "malloc_used_mib\tmalloc_free_mib";

    private readonly string _path;
    private readonly PacedIngestLog _log;
    private readonly LiveStoreCounters _counters;

    public SteadyStateSampler(string path, PacedIngestLog log, LiveStoreCounters counters)
    {
        _path = path;
        _log = log;
        _counters = counters;
        File.WriteAllText(path, Header + "\n");
    }

    public async Task SampleAsync(LiveTraceStore store, string phase)
    {
        long lag = 0, flushLag = 0, arrived = 0;
        foreach (var offsets in await store.LineageOffsetsAsync(CancellationToken.None))
        {
            var front = _log.ArrivalFront(offsets.Partition);
            lag += front - store.GetConsumedOffset(offsets.Partition);
            flushLag += front - (offsets.FlushedOffset ?? 0);
            arrived += front - (offsets.LogStartOffset ?? 0);
        }

        var rocks = store.RocksMemoryUsage();
        var malloc = ProcessSample.Malloc();
        var row = string.Join('\t',
            ((long)_log.Elapsed.TotalSeconds).ToString(CultureInfo.InvariantCulture), phase,
            ProcessSample.RssMiB().ToString("0.0", CultureInfo.InvariantCulture),
            lag.ToString(CultureInfo.InvariantCulture), flushLag.ToString(CultureInfo.InvariantCulture),
            _counters.StoredSpans.ToString(CultureInfo.InvariantCulture), _counters.BlocksFlushed.ToString(CultureInfo.InvariantCulture),
            _counters.UnflushedBytes().ToString(CultureInfo.InvariantCulture), arrived.ToString(CultureInfo.InvariantCulture),
            _counters.FailedFlushes.ToString(CultureInfo.InvariantCulture), _counters.Pauses.ToString(CultureInfo.InvariantCulture),
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ProcessSample.StealSeconds().ToString("0.00", CultureInfo.InvariantCulture),
            ProcessSample.RssAnonMiB().ToString("0.0", CultureInfo.InvariantCulture),
            MiB(GC.GetGCMemoryInfo().HeapSizeBytes), MiB(rocks.Memtables), MiB(rocks.PinnedMemtables), MiB(rocks.BlockCache),
            MiB(rocks.TableReaders), MiB(malloc.InUse), MiB(malloc.Free));
        await File.AppendAllTextAsync(_path, row + "\n");
        Console.WriteLine(row);
    }

    private static string MiB(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>This process's memory and the machine's steal time, from /proc.</summary>
internal static class ProcessSample
{
    public static double RssMiB() => StatusKiB("VmRSS:") / 1024.0;

    public static double PeakRssMiB() => StatusKiB("VmHWM:") / 1024.0;

    /// <summary>Anonymous memory (heaps, RocksDB's caches and memtables), without file pages mapped into the process.</summary>
    public static double RssAnonMiB() => StatusKiB("RssAnon:") / 1024.0;

    /// <summary>
    /// glibc's heap over all its arenas (mallinfo2): bytes handed out (small chunks plus mmapped large ones), and bytes
    /// free inside the arenas, which a growing RSS made of free bytes shows as fragmentation rather than use.
    /// </summary>
    public static (long InUse, long Free) Malloc()
    {
        var info = mallinfo2();
        return ((long)(info.uordblks + info.hblkhd), (long)info.fordblks);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();

    /// <summary>CPU time the hypervisor gave to other guests (the 8th value of /proc/stat's cpu line, in USER_HZ = 100).</summary>
    public static double StealSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[8], CultureInfo.InvariantCulture) / 100.0;
    }

    private static long StatusKiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
