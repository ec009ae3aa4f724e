namespace Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

/// <summary>A whole file held in memory, served to the reader by range.</summary>
internal sealed class ByteArraySource(byte[] bytes) : IRandomAccessSource
{
    public long Length => bytes.Length;

    public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || offset + destination.Length > bytes.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range {offset}+{destination.Length} is outside the {bytes.Length}-byte file");
        bytes.AsMemory((int)offset, destination.Length).CopyTo(destination);
        return ValueTask.CompletedTask;
    }

    public static ByteArraySource FromFile(string path) => new(System.IO.File.ReadAllBytes(path));
}
