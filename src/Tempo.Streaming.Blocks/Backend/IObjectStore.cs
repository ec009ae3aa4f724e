namespace Tempo.Streaming.Blocks.Backend;

/// <summary>
/// Object storage under blocks: a local folder or an S3 bucket. Keys are '/'-separated relative paths such as
/// <c>single-tenant/&lt;blockID&gt;/data.parquet</c>. Every put is atomic per object: readers see the old object,
/// nothing, or the whole new object — never a part.
/// </summary>
public interface IObjectStore
{
    /// <summary>Names the backend in messages, e.g. <c>local /var/tempo/blocks</c> or <c>s3 bucket tempo at http://minio:9000</c>.</summary>
    string Description { get; }

    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Streams an object of unknown size (large data.parquet files); still atomic.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>The whole object; <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/> (a ranged GET on S3).</summary>
    Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default);

    /// <summary>Object size in bytes; <see cref="ObjectNotFoundException"/> when absent.</summary>
    Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Full keys of every object under <paramref name="prefix"/> (recursive), in key order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Names of the immediate "folders" under <paramref name="prefix"/> (tenants under "", blocks under "tenant/").</summary>
    IAsyncEnumerable<string> ListFoldersAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>A backend call that failed for good (after retries), with a message naming the backend, key and cause.</summary>
public class BackendException : Exception
{
    public BackendException(string message) : base(message) { }
    public BackendException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The object does not exist.</summary>
public sealed class ObjectNotFoundException : BackendException
{
    public ObjectNotFoundException(string message) : base(message) { }
    public ObjectNotFoundException(string message, Exception inner) : base(message, inner) { }
}
