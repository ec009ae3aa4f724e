using System.Runtime.InteropServices;

namespace Tempo.Streaming.RocksDb.Tests;

/// <summary>
/// Free C-heap memory inside an arena stays resident until <see cref="NativeHeap.TryTrim"/>: checked page by page with
/// mincore on the chunks this test freed, so other tests allocating meanwhile cannot blur the figure as RSS would.
/// </summary>
public sealed unsafe partial class NativeHeapTests
{
    private const int ChunkBytes = 64 * 1024; // below glibc's smallest mmap threshold: always carved from an arena
    private const int Chunks = 256;

    [Fact]
    public void Trimming_hands_the_pages_of_freed_chunks_back_to_the_system()
    {
        // Other tests' threads (and RocksDB's) may share this thread's arena and reuse a freed chunk between the free and
        // the second look, which keeps its pages resident: one clean attempt out of a few proves the trim.
        var attempts = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (before, after) = FreeChunksAndTrim();
            if (before > 0.9 && after < 0.1)
            {
                return;
            }

            attempts.Add($"{before:P0} resident before the trim, {after:P0} after");
        }

        Assert.Fail("freed chunks should stay resident until trimmed and be released by it: " + string.Join("; ", attempts));
    }

    private static (double Before, double After) FreeChunksAndTrim()
    {
        var chunks = new nint[Chunks];
        for (var i = 0; i < Chunks; i++)
        {
            chunks[i] = Marshal.AllocHGlobal(ChunkBytes);
            new Span<byte>((void*)chunks[i], ChunkBytes).Fill(0x5A); // make every page resident
        }

        // The last chunk stays allocated so the freed ones are not the arena's top, which free() itself would return.
        for (var i = 0; i < Chunks - 1; i++)
        {
            Marshal.FreeHGlobal(chunks[i]);
        }
        try
        {
            var before = ResidentShare(chunks.AsSpan(0, Chunks - 1));
            Assert.True(NativeHeap.TryTrim(), "malloc_trim is glibc's and this machine runs glibc");
            return (before, ResidentShare(chunks.AsSpan(0, Chunks - 1)));
        }
        finally
        {
            Marshal.FreeHGlobal(chunks[Chunks - 1]);
        }
    }

    /// <summary>The share of the whole pages inside the given chunks that are resident in memory.</summary>
    private static double ResidentShare(ReadOnlySpan<nint> chunks)
    {
        var pageSize = Environment.SystemPageSize;
        long resident = 0, pages = 0;
        var vector = new byte[ChunkBytes / pageSize + 1];
        foreach (var chunk in chunks)
        {
            // Skip the chunk's first page (malloc's header and the free-list links written by free() live there).
            var start = (chunk + 2 * pageSize) & ~(nint)(pageSize - 1);
            var end = (chunk + ChunkBytes) & ~(nint)(pageSize - 1);
            var count = (int)((end - start) / pageSize);
            fixed (byte* v = vector)
            {
                Assert.Equal(0, mincore(start, (nuint)(end - start), v));
            }
            for (var p = 0; p < count; p++)
            {
                resident += vector[p] & 1;
            }
            pages += count;
        }

        return (double)resident / pages;
    }

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int mincore(nint address, nuint length, byte* vector);
}
