namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// Exclusive lock on a log folder (<c>.lock</c>): two writers appending to the same segments would interleave
/// records and assign the same offsets. .NET maps FileShare.None to an advisory flock(LOCK_EX) on Unix, which the
/// kernel releases when the process dies, so a crash never leaves a stale lock behind.
/// </summary>
internal sealed class LogDirectoryLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly FileStream _file;

    private LogDirectoryLock(FileStream file) => _file = file;

    public static LogDirectoryLock Acquire(string root)
    {
        string path = Path.Combine(root, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            file.SetLength(0);
            file.Write(System.Text.Encoding.UTF8.GetBytes($"pid {Environment.ProcessId}\n"));
            file.Flush();
            return new LogDirectoryLock(file);
        }
        catch (IOException e)
        {
            throw new IOException(
                $"embedded ingest log '{root}' is already open for writing (lock file '{path}' is held by another process or " +
                "another instance in this process). Only one writer may open a log; stop the other server, or use " +
                "EmbeddedIngestLog.OpenReadOnly / 'tempo-streaming-cli log' to inspect it.", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
