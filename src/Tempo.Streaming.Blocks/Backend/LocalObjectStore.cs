using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Blocks.Backend;

/// <summary>
/// Objects as files under a root folder (Tempo's <c>local</c> backend). A put writes a temporary file in the target
/// folder, fsyncs it and renames it over the key, so readers see the old or the new object, never a partial one
/// (rename within a folder is atomic on POSIX file systems).
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    private const int CopyBufferSize = 1 << 20;
    private readonly string _root;

    public LocalObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        try
        {
            Directory.CreateDirectory(_root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackendException($"local backend: cannot create the root folder {_root}: {e.Message}", e);
        }
    }

    public string Description => $"local {_root}";

    public string Root => _root;

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        WriteAtomicallyAsync(key, (stream, ct) => stream.WriteAsync(content, ct).AsTask(), cancellationToken);

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteAtomicallyAsync(key, (stream, ct) => content.CopyToAsync(stream, CopyBufferSize, ct), cancellationToken);
    }

    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(key, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed("read", key, e);
        }
    }

    public async Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var path = PathOf(key);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                FileOptions.Asynchronous);
            var length = RandomAccess.GetLength(handle);
            if (offset + destination.Length > length)
            {
                throw new BackendException(
                    $"{Description}: range {offset}..{offset + destination.Length - 1} of '{key}' is beyond the end of the object ({length} bytes)");
            }

            var done = 0;
            while (done < destination.Length)
            {
                var read = await RandomAccess.ReadAsync(handle, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new BackendException($"{Description}: '{key}' ended at {offset + done} while reading {destination.Length} bytes at {offset}");
                }

                done += read;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(key, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed("read", key, e);
        }
    }

    public Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(key));
        try
        {
            return Task.FromResult(info.Length);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(key, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed("stat", key, e);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix, mustBeFolder: false);
        // Walk only the deepest folder the prefix names, then filter by the full prefix like S3 does.
        var lastSlash = prefix.LastIndexOf('/');
        var folderKey = lastSlash < 0 ? "" : prefix[..(lastSlash + 1)];
        var folder = folderKey.Length == 0 ? _root : Path.Combine(_root, folderKey);
        var keys = new List<string>();
        if (Directory.Exists(folder))
        {
            try
            {
                foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
                {
                    var key = KeyOf(file);
                    if (key is not null && key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        keys.Add(key);
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
                // Deleted while listing: report what was seen, as a concurrent S3 listing would.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Failed("list", prefix, e);
            }
        }

        // S3 lists in UTF-8 byte order; ordinal order is the same for the ASCII keys blocks use.
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> ListFoldersAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix, mustBeFolder: true);
        var folder = prefix.Length == 0 ? _root : Path.Combine(_root, prefix);
        var names = new List<string>();
        if (Directory.Exists(folder))
        {
            try
            {
                foreach (var dir in Directory.EnumerateDirectories(folder))
                {
                    // Like S3 common prefixes, a folder exists only while it holds an object (not just an in-progress put).
                    if (ContainsObject(dir))
                    {
                        names.Add(Path.GetFileName(dir));
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Failed("list folders", prefix, e);
            }
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path); // no error when missing
        }
        catch (DirectoryNotFoundException)
        {
            return Task.CompletedTask;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed("delete", key, e);
        }

        RemoveEmptyFolders(Path.GetDirectoryName(path)!);
        return Task.CompletedTask;
    }

    private async Task WriteAtomicallyAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(folder, ObjectKeys.TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var stream = CreateTemp(folder, temp))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                // fsync before the rename: after a crash the key holds the old or the complete new content.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (e is IOException or UnauthorizedAccessException)
            {
                throw Failed("write", key, e);
            }

            throw;
        }
    }

    private static FileStream CreateTemp(string folder, string temp)
    {
        // A concurrent delete may remove the (empty) folder between CreateDirectory and the open: recreate and retry.
        for (var attempt = 0; ; attempt++)
        {
            Directory.CreateDirectory(folder);
            try
            {
                return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize,
                    FileOptions.Asynchronous);
            }
            catch (DirectoryNotFoundException) when (attempt < 5)
            {
            }
        }
    }

    private void RemoveEmptyFolders(string folder)
    {
        while (folder.Length > _root.Length && folder.StartsWith(_root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    return;
                }

                Directory.Delete(folder, recursive: false);
            }
            catch (IOException)
            {
                // Not empty any more (a concurrent put) or already gone: either way stop climbing.
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private static bool ContainsObject(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            if (!Path.GetFileName(file).StartsWith(ObjectKeys.TempPrefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private string? KeyOf(string file)
    {
        if (Path.GetFileName(file).StartsWith(ObjectKeys.TempPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var relative = Path.GetRelativePath(_root, file);
        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private string PathOf(string key)
    {
        ObjectKeys.ValidateKey(key);
        return Path.Combine(_root, key);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temp file stays behind; it is never listed and a later put uses a new name.
        }
    }

    private ObjectNotFoundException NotFound(string key, Exception inner) =>
        new($"{Description}: object '{key}' does not exist", inner);

    private BackendException Failed(string operation, string key, Exception inner) =>
        new($"{Description}: {operation} '{key}' failed: {inner.Message}", inner);
}
