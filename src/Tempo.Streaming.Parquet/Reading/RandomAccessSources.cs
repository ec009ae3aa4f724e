using Microsoft.Win32.SafeHandles;

namespace Tempo.Streaming.Parquet;

/// <summary>A file in memory (tests, a block fetched whole).</summary>
public sealed class MemoryRandomAccessSource(ReadOnlyMemory<byte> data) : IRandomAccessSource
{
    public long Length => data.Length;

    public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || offset + destination.Length > data.Length)
            throw new EndOfStreamException($"range {offset}+{destination.Length} is outside the {data.Length}-byte buffer");
        data.Span.Slice((int)offset, destination.Length).CopyTo(destination.Span);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A local file read with positional reads (no shared file position, safe for concurrent readers).</summary>
public sealed class FileRandomAccessSource : IRandomAccessSource, IDisposable
{
    private readonly SafeFileHandle _handle;

    public FileRandomAccessSource(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.RandomAccess);
        Length = RandomAccess.GetLength(_handle);
    }

    public long Length { get; }

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || offset + destination.Length > Length)
            throw new EndOfStreamException($"range {offset}+{destination.Length} is outside the {Length}-byte file");
        var done = 0;
        while (done < destination.Length)
        {
            var read = await RandomAccess.ReadAsync(_handle, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new EndOfStreamException($"the file ended at {offset + done} while reading {destination.Length} bytes at {offset}");
            done += read;
        }
    }

    public void Dispose() => _handle.Dispose();
}
