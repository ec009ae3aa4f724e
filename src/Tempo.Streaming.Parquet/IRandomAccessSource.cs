namespace Tempo.Streaming.Parquet;

/// <summary>
/// Bytes the reader can fetch by range: a local file, a buffer, or an object in a bucket (ranged GET). The reader
/// asks for the footer first, then only the column chunks (and page indexes) it needs.
/// </summary>
public interface IRandomAccessSource
{
    /// <summary>Total length in bytes.</summary>
    long Length { get; }

    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/>; throws if fewer exist.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default);
}
