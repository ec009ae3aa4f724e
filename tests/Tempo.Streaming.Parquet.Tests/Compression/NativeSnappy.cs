using System.Runtime.InteropServices;

namespace Tempo.Streaming.Parquet.Tests.Compression;

/// <summary>libsnappy (Debian libsnappy1v5), the reference implementation, to cross-check our snappy codec.</summary>
internal static class NativeSnappy
{
    private const string Library = "libsnappy.so.1";

    public static bool IsAvailable { get; } = NativeLibrary.TryLoad(Library, out _);

    public static byte[] Compress(byte[] source)
    {
        var capacity = snappy_max_compressed_length((nuint)source.Length);
        var output = new byte[(int)capacity];
        var length = capacity;
        Check(snappy_compress(source, (nuint)source.Length, output, ref length));
        return output[..(int)length];
    }

    public static byte[] Uncompress(byte[] source)
    {
        nuint length = 0;
        Check(snappy_uncompressed_length(source, (nuint)source.Length, ref length));
        var output = new byte[(int)length];
        Check(snappy_uncompress(source, (nuint)source.Length, output, ref length));
        return output;
    }

    private static void Check(int status)
    {
        if (status != 0)
        {
            throw new InvalidOperationException($"libsnappy status {status}");
        }
    }

    // arrays of blittable bytes are pinned for the call, so no unsafe code is needed here
    [DllImport(Library)]
    private static extern int snappy_compress(byte[] input, nuint inputLength, byte[] compressed, ref nuint compressedLength);

    [DllImport(Library)]
    private static extern int snappy_uncompress(byte[] compressed, nuint compressedLength, byte[] uncompressed, ref nuint uncompressedLength);

    [DllImport(Library)]
    private static extern nuint snappy_max_compressed_length(nuint sourceLength);

    [DllImport(Library)]
    private static extern int snappy_uncompressed_length(byte[] compressed, nuint compressedLength, ref nuint result);
}

/// <summary>A fact that needs a native library or tool; skipped, saying what to install, when it is absent.</summary>
public sealed class RequiresFactAttribute : FactAttribute
{
    public RequiresFactAttribute(string what)
    {
        var present = what switch
        {
            "libsnappy" => NativeSnappy.IsAvailable,
            "zstd-cli" => File.Exists("/usr/bin/zstd") || File.Exists("/usr/local/bin/zstd"),
            "liblz4" => NativeLibrary.TryLoad("liblz4.so.1", out _),
            "libzstd" => NativeLibrary.TryLoad("libzstd.so.1", out _),
            _ => false,
        };
        if (!present)
        {
            Skip = what switch
            {
                "libsnappy" => "libsnappy.so.1 absent: install the Debian package libsnappy1v5",
                "zstd-cli" => "the zstd command is absent: install the Debian package zstd",
                "liblz4" => "liblz4.so.1 absent: install the Debian package liblz4-1",
                "libzstd" => "libzstd.so.1 absent: install the Debian package libzstd1",
                _ => $"unknown requirement {what}",
            };
        }
    }
}
