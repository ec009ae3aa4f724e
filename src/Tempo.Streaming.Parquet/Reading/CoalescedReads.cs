using System.Buffers;

namespace Tempo.Streaming.Parquet;

/// <summary>One byte range wanted from the file, and what it is (for error messages).</summary>
internal readonly record struct ByteRange(long Offset, int Length, string What);

/// <summary>
/// Fetches many byte ranges at once: ranges separated by small gaps are merged into one read, and the merged reads
/// run in parallel. On S3 a ranged GET costs a round trip whatever its size, so a row read touching a hundred
/// columns becomes a handful of concurrent requests; on a local file it saves syscalls.
/// </summary>
internal static class CoalescedReads
{
    /// <summary>The bytes of every range, in the order asked (slices of the merged buffers).</summary>
    public static async Task<ReadOnlyMemory<byte>[]> ReadAsync(
        IRandomAccessSource source, IReadOnlyList<ByteRange> ranges, ParquetReadOptions options, CancellationToken cancellationToken)
        => (await ReadAsync(source, ranges, options, pooled: false, cancellationToken).ConfigureAwait(false)).Slices;

    /// <summary>
    /// As <see cref="ReadAsync(IRandomAccessSource, IReadOnlyList{ByteRange}, ParquetReadOptions, CancellationToken)"/>;
    /// with <paramref name="pooled"/> the merged buffers are rented, for callers that copy what they keep and then
    /// dispose the result: a row read that misses the page cache merges megabytes, which would otherwise be
    /// large-object garbage on every such read.
    /// </summary>
    public static async Task<FetchedRanges> ReadAsync(
        IRandomAccessSource source, IReadOnlyList<ByteRange> ranges, ParquetReadOptions options, bool pooled, CancellationToken cancellationToken)
    {
        var results = new ReadOnlyMemory<byte>[ranges.Count];
        if (ranges.Count == 0) return new FetchedRanges(results, []);
        var order = new int[ranges.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => ranges[a].Offset.CompareTo(ranges[b].Offset));

        var reads = new List<(long Offset, long End, int First, int Last)>();
        var start = ranges[order[0]].Offset;
        var end = start + ranges[order[0]].Length;
        var first = 0;
        for (var k = 1; k < order.Length; k++)
        {
            var range = ranges[order[k]];
            var rangeEnd = range.Offset + range.Length;
            var mergedEnd = Math.Max(end, rangeEnd);
            if (range.Offset - end <= options.CoalesceGapBytes && mergedEnd - start <= options.MaxCoalescedReadBytes)
            {
                end = mergedEnd;
                continue;
            }
            reads.Add((start, end, first, k - 1));
            start = range.Offset;
            end = rangeEnd;
            first = k;
        }
        reads.Add((start, end, first, order.Length - 1));

        var buffers = new byte[reads.Count][];
        for (var r = 0; r < buffers.Length; r++)
        {
            var length = reads[r].End - reads[r].Offset;
            if (length > Array.MaxLength)
                throw new ParquetFormatException($"{ranges[order[reads[r].First]].What}: a read of {length} bytes is too large");
            buffers[r] = pooled ? ArrayPool<byte>.Shared.Rent((int)length) : new byte[length];
        }
        var fetched = new FetchedRanges(results, pooled ? buffers : []);
        try
        {
            var fetches = new Task[reads.Count];
            for (var r = 0; r < reads.Count; r++)
            {
                fetches[r] = FetchAsync(source, reads[r], buffers[r], order, ranges, results, cancellationToken);
            }
            await Task.WhenAll(fetches).ConfigureAwait(false);
        }
        catch
        {
            fetched.Dispose();
            throw;
        }
        return fetched;
    }

    private static async Task FetchAsync(
        IRandomAccessSource source, (long Offset, long End, int First, int Last) read, byte[] buffer, int[] order, IReadOnlyList<ByteRange> ranges,
        ReadOnlyMemory<byte>[] results, CancellationToken cancellationToken)
    {
        var length = (int)(read.End - read.Offset);
        try
        {
            await source.ReadAsync(read.Offset, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new ParquetFormatException(
                $"the file is truncated: {ranges[order[read.First]].What} at offset {read.Offset} ({length} bytes with its neighbours) is past its end", e);
        }
        for (var k = read.First; k <= read.Last; k++)
        {
            var range = ranges[order[k]];
            results[order[k]] = buffer.AsMemory((int)(range.Offset - read.Offset), range.Length);
        }
    }
}

/// <summary>Fetched ranges; disposing gives rented buffers back, after which the slices must not be used.</summary>
internal sealed class FetchedRanges(ReadOnlyMemory<byte>[] slices, byte[][] rented) : IDisposable
{
    private byte[][] _rented = rented;

    public ReadOnlyMemory<byte>[] Slices { get; } = slices;

    /// <summary>Hands the rented buffers over to another result (which then returns them).</summary>
    public byte[][] DetachRented() => Interlocked.Exchange(ref _rented, []);

    public void Dispose()
    {
        foreach (var buffer in DetachRented()) ArrayPool<byte>.Shared.Return(buffer);
    }
}
