namespace Tempo.Streaming.RocksDb;

/// <summary>
/// A RocksDB call failed. <see cref="Exception.Message"/> is "<c>operation: RocksDB's own status text</c>", e.g.
/// <c>open '/data/live': IO error: While lock file: /data/live/LOCK: Resource temporarily unavailable</c>, so the
/// reason RocksDB gives (lock held, corruption, not a directory, ...) reaches the operator unchanged.
/// </summary>
public sealed class RocksDbException : Exception
{
    public RocksDbException(string operation, string nativeMessage)
        : base(operation + ": " + nativeMessage)
    {
        Operation = operation;
        NativeMessage = nativeMessage;
    }

    /// <summary>What this binding was doing, e.g. <c>open '/data/live'</c> or <c>write batch</c>.</summary>
    public string Operation { get; }

    /// <summary>The status text RocksDB returned through <c>errptr</c>, unmodified.</summary>
    public string NativeMessage { get; }
}
