using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// Tempo's <c>shutdownmarker</c> package: the file <c>shutdown-requested.txt</c> inside <c>live_store.shutdown_marker_dir</c>
/// says "this live store is being scaled down". <c>POST /live-store/prepare-downscale</c> writes it; at startup its
/// presence means: do not recreate the partition, and leave the ring on shutdown. It must survive a crash right after the
/// POST answered, so it is written like Tempo's <c>atomicfs.CreateFile</c>: temporary file, fsync, rename, directory fsync.
/// </summary>
public static partial class ShutdownMarker
{
    /// <summary>Tempo's file name.</summary>
    public const string FileName = "shutdown-requested.txt";

    private const string TemporarySuffix = ".tmp";

    /// <summary>The marker's full path inside <paramref name="directory"/> (Tempo's <c>GetPath</c>).</summary>
    public static string GetPath(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Path.Combine(directory, FileName);
    }

    /// <summary>True when the marker exists as a regular file.</summary>
    public static bool Exists(string path) => File.Exists(path);

    /// <summary>Writes the marker durably (its content is the UTC time of the request, RFC 3339, as Tempo writes it).</summary>
    public static void Create(string path, DateTimeOffset now)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + TemporarySuffix;
        var content = Encoding.UTF8.GetBytes(now.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture));
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        FlushDirectory(directory);
    }

    /// <summary>Removes the marker if it exists and makes the removal durable.</summary>
    public static void Remove(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            return;
        }

        File.Delete(path);
        FlushDirectory(directory);
    }

    /// <summary>fsync of a directory, so that the rename or deletion survives a power loss.</summary>
    private static void FlushDirectory(string directory)
    {
        // .NET cannot open a directory as a file, so this goes to libc. Windows has no directory fsync (NTFS journals
        // metadata), so nothing is needed there.
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory '{directory}' to fsync it: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of directory '{directory}' failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
