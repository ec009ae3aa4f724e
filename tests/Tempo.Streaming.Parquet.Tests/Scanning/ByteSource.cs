namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>A whole file in memory as a ranged-read source (the scan tests' own, so they depend only on the interface).</summary>
internal sealed class ByteSource(byte[] data) : IRandomAccessSource
{
    public static ByteSource FromFile(string path) => new(File.ReadAllBytes(path));

    public long Length => data.Length;

    public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || offset + destination.Length > data.Length)
            throw new EndOfStreamException($"range {offset}+{destination.Length} is outside the {data.Length}-byte source");
        data.AsSpan((int)offset, destination.Length).CopyTo(destination.Span);
        return ValueTask.CompletedTask;
    }
}
