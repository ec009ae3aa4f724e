using System.Runtime.InteropServices;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>
/// The part of libzstd's API the ZSTD codec needs (zstd.h, simple and explicit-context APIs). The library is
/// Debian's libzstd1 (also brought in by librocksdb); the .NET 10 BCL has no zstd.
/// </summary>
internal static unsafe partial class ZstdNative
{
    public const string Library = "libzstd.so.1";

    [LibraryImport(Library)]
    public static partial nuint ZSTD_compressBound(nuint srcSize);

    [LibraryImport(Library)]
    public static partial nint ZSTD_createCCtx();

    [LibraryImport(Library)]
    public static partial nuint ZSTD_freeCCtx(nint cctx);

    [LibraryImport(Library)]
    public static partial nuint ZSTD_compressCCtx(nint cctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int compressionLevel);

    [LibraryImport(Library)]
    public static partial nint ZSTD_createDCtx();

    [LibraryImport(Library)]
    public static partial nuint ZSTD_freeDCtx(nint dctx);

    [LibraryImport(Library)]
    public static partial nuint ZSTD_decompressDCtx(nint dctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Library)]
    public static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Library)]
    public static partial nint ZSTD_getErrorName(nuint code);

    [LibraryImport(Library)]
    public static partial int ZSTD_minCLevel();

    [LibraryImport(Library)]
    public static partial int ZSTD_maxCLevel();

    public static string ErrorName(nuint code) => Marshal.PtrToStringAnsi(ZSTD_getErrorName(code)) ?? $"zstd error {code}";
}
