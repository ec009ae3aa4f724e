namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// One fetched range of a partition, decoded and indexed outside the apply lock: the fragments to store with the
/// tag-index keys each one brings, the records that had to be skipped, and the offset consumption continues from once it is applied.
/// Reused by its consumer from fetch to fetch.
/// </summary>
internal sealed class PreparedBatch
{
    public PreparedBatch(int partition) => Partition = partition;

    public int Partition { get; }

    public List<PreparedFragment> Fragments { get; } = [];

    /// <summary>The distinct tag-index keys of each fragment (<see cref="PreparedFragment.KeysFrom"/>..To).</summary>
    public IndexKeys TagKeys { get; } = new();

    /// <summary>Records skipped because they could not be decoded: tenant ("" when the key is no tenant), spans counted (at least 1 per record), why.</summary>
    public List<SkippedRecord> Skipped { get; } = [];

    /// <summary>Every record of the batch (skipped ones too), in offset order: the ledger entries of a block cut.</summary>
    public List<PreparedRecord> RecordsRead { get; } = [];

    public int Records { get; set; }

    public long RecordBytes { get; set; }

    /// <summary>The offset after the last record of the batch: what the store records as consumed.</summary>
    public long NextOffset { get; set; }

    public void Clear()
    {
        Fragments.Clear();
        TagKeys.Clear();
        Skipped.Clear();
        RecordsRead.Clear();
        Records = 0;
        RecordBytes = 0;
    }
}

/// <param name="TraceId">16 bytes inside the record value.</param>
/// <param name="Bytes">The marshalled <c>tempopb.Trace</c> fragment inside the record value.</param>
/// <param name="KeysFrom">First of this fragment's keys in <see cref="PreparedBatch.TagKeys"/>.</param>
internal readonly record struct PreparedFragment(TenantKey Tenant, ReadOnlyMemory<byte> TraceId, ReadOnlyMemory<byte> Bytes,
    long Offset, int Index, int Spans, ulong StartUnixNanos, ulong EndUnixNanos, int KeysFrom, int KeysTo);

/// <summary>A record as the ledger keeps it: where, when it was appended (log timestamp, unix ms), how big.</summary>
internal readonly record struct PreparedRecord(long Offset, long TimestampUnixMs, int Bytes);

internal readonly record struct SkippedRecord(long Offset, string Tenant, long Spans, string Error);

/// <summary>A tenant, its key prefix (<c>tenant \0</c>) and the hash its tag-index keys chain from; interned per consumer.</summary>
internal sealed record TenantKey(string Tenant, byte[] Prefix, ulong HashSeed)
{
    public static TenantKey Of(string tenant)
    {
        var prefix = Storage.LiveStoreKeys.TenantPrefix(tenant);
        return new TenantKey(tenant, prefix, KeyHash.Of(prefix));
    }
}
