using System.Runtime.InteropServices;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// Crash-safe file replacement: write a temporary file, fsync it, rename it over the target, fsync the directory.
/// After a crash the target holds either the old or the new content, never a mix (the rename is atomic, and the
/// directory fsync makes the rename itself durable — without it a power loss can bring the old name back).
/// </summary>
internal static partial class DurableFile
{
    public const string TemporarySuffix = ".tmp";

    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string temporary = path + TemporarySuffix;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>fsync of a directory, so that file creations, renames and deletions in it survive a power loss.</summary>
    public static void FlushDirectory(string directory)
    {
        // .NET cannot open a directory as a file handle, so this goes to libc. Windows has no directory fsync and
        // NTFS journals metadata, so nothing is needed there.
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory '{directory}' to fsync it: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of directory '{directory}' failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
