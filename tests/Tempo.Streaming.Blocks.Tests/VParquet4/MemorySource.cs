using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

/// <summary>A Parquet file held in memory, for reading back what a test just wrote.</summary>
internal sealed class MemorySource(byte[] bytes) : IRandomAccessSource
{
    public long Length => bytes.Length;

    public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || offset + destination.Length > bytes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range {offset}+{destination.Length} is outside the {bytes.Length}-byte file");
        }
        bytes.AsMemory((int)offset, destination.Length).CopyTo(destination);
        return ValueTask.CompletedTask;
    }
}
