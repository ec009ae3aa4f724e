using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.Backend;

/// <summary>
/// An object as a Parquet <see cref="IRandomAccessSource"/>: every read is one ranged read of the store (a ranged GET
/// on S3), so a reader fetches the footer and only the column chunks it needs.
/// </summary>
public sealed class ObjectStoreRandomAccess : IRandomAccessSource
{
    private readonly IObjectStore _store;
    private readonly string _key;

    /// <param name="length">The object's size (meta.json <c>size</c>, or <see cref="IObjectStore.GetSizeAsync"/>).</param>
    public ObjectStoreRandomAccess(IObjectStore store, string key, long length)
    {
        ArgumentNullException.ThrowIfNull(store);
        ObjectKeys.ValidateKey(key);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _store = store;
        _key = key;
        Length = length;
    }

    public long Length { get; }

    public string Key => _key;

    public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset + destination.Length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"range {offset}..{offset + destination.Length - 1} is beyond the end of '{_key}' ({Length} bytes)");
        }

        return destination.IsEmpty ? ValueTask.CompletedTask : new ValueTask(_store.ReadRangeAsync(_key, offset, destination, cancellationToken));
    }
}
