using System.Runtime.InteropServices;

namespace Tempo.Streaming.RocksDb;

/// <summary>
/// The C heap RocksDB allocates from (memtable arenas, block reads, compaction buffers). glibc keeps memory a thread
/// freed inside that thread's arena and returns it to the system only from an arena's top: under RocksDB's churn of
/// 8 MiB memtable blocks and short-lived reads, a live store at 150k spans/s held ~300 MiB in use but 1.7 GiB of free
/// chunks after 10 minutes, and its RSS kept climbing. <see cref="TryTrim"/> hands the free pages back.
/// </summary>
public static partial class NativeHeap
{
    private static int _unsupported;

    /// <summary>
    /// Returns the whole free pages of every malloc arena to the system (glibc's <c>malloc_trim(0)</c>): RSS falls to what
    /// is in use, and the pages come back zeroed on their next use. False, and never tried again, where the C library
    /// is not glibc (musl, macOS, Windows).
    /// </summary>
    public static bool TryTrim()
    {
        if (Volatile.Read(ref _unsupported) != 0)
        {
            return false;
        }

        try
        {
            malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unsupported, 1);
            return false;
        }
    }

    /// <summary>glibc's SONAME: an unversioned <c>libc.so</c> is a linker script, and only with the -dev package.</summary>
    [LibraryImport("libc.so.6")]
    private static partial int malloc_trim(nuint pad);
}
