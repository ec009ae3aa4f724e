namespace Tempo.Streaming.RocksDb;

/// <summary>
/// How a <see cref="RocksDatabase"/> is opened. The same column-family options apply to every column family, and they
/// share one LRU block cache. Validated by <see cref="RocksDatabase.Open"/>, never on a hot path.
/// </summary>
public sealed class RocksDbOptions
{
    private const long MiB = 1024 * 1024;

    /// <summary>The defaults below.</summary>
    public static RocksDbOptions Default { get; } = new();

    /// <summary>Create the directory and the database when absent; otherwise opening a missing database is an error.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Codec for every level, including the bottommost one (where most data ends up).</summary>
    public RocksCompression Compression { get; init; } = RocksCompression.Zstd;

    /// <summary>Capacity of the LRU block cache shared by all column families.</summary>
    public long BlockCacheBytes { get; init; } = 64 * MiB;

    /// <summary>RocksDB's <c>max_background_jobs</c> (flushes + compactions); RocksDB grows its thread pools to match.</summary>
    public int BackgroundJobs { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Memtable size per column family before it is switched and flushed.</summary>
    public long WriteBufferBytes { get; init; } = 64 * MiB;

    /// <summary>
    /// Bits per key of the block-based table's full bloom filter: 10 gives about 1% false positives, so point
    /// lookups of absent keys (trace IDs not in the live store) rarely touch a data block. 0 disables the filter.
    /// </summary>
    public int BloomBitsPerKey { get; init; } = 10;

    /// <summary>
    /// Codec for every level above the bottommost one, which keeps <see cref="Compression"/>; null = <see cref="Compression"/>
    /// everywhere. Data written by flushes and rewritten by the first compactions is short-lived; a fast codec there
    /// (LZ4) saves most of the CPU, while data at rest is still stored with the strong codec.
    /// </summary>
    public RocksCompression? UpperLevelCompression { get; init; }

    /// <summary>
    /// Total size of the write-ahead log files above which RocksDB flushes the column families that pin the oldest file;
    /// 0 = RocksDB's default (4 × the write buffers). Without it a rarely written column family keeps every WAL file alive.
    /// </summary>
    public long MaxTotalWalBytes { get; init; }

    /// <summary>Memory budget for the memtables of all column families together (db_write_buffer_size); 0 = none.</summary>
    public long MemtableBudgetBytes { get; init; }

    /// <summary>
    /// Column families whose values of at least <see cref="MinBlobBytes"/> are stored in blob files (RocksDB's integrated
    /// BlobDB) instead of inside the SST files: compactions then rewrite only the keys and small blob references, not the
    /// values. Pays off for large values that are written once and deleted together (a blob file is removed when every
    /// value in it is garbage). Empty = none.
    /// </summary>
    public IReadOnlyCollection<string> BlobFamilies { get; init; } = [];

    /// <summary>
    /// Column families whose memtables keep a bloom filter of whole keys (<c>memtable_whole_key_filtering</c>, sized
    /// <see cref="MemtableBloomRatio"/> of the write buffer): a point read of an absent key skips each memtable's
    /// skip-list search. Pays off where most reads miss; every insert pays a few hashes. Empty = none. Must not
    /// overlap <see cref="BlobFamilies"/>.
    /// </summary>
    public IReadOnlyCollection<string> MemtableBloomFamilies { get; init; } = [];

    /// <summary>Memory of a memtable bloom filter, as a share of <see cref="WriteBufferBytes"/> (RocksDB caps it at 0.25).</summary>
    public double MemtableBloomRatio { get; init; } = 0.02;

    /// <summary>Values this large or larger go to blob files in <see cref="BlobFamilies"/>; smaller ones stay inline.</summary>
    public long MinBlobBytes { get; init; } = 256;

    /// <summary>Codec of the blob files (whole values, compressed one by one).</summary>
    public RocksCompression BlobCompression { get; init; } = RocksCompression.Lz4;

    /// <summary>
    /// Level-0 files that trigger a compaction into level 1 (RocksDB's <c>level0_file_num_compaction_trigger</c>, default 4).
    /// More files wait longer, so keys deleted meanwhile are never rewritten; point reads check more files (bloom filters
    /// answer most of them).
    /// </summary>
    public int Level0CompactionTrigger { get; init; } = 4;

    /// <summary>
    /// <see cref="Level0CompactionTrigger"/> for <see cref="BlobFamilies"/>; null = the same. Their level-0 files hold
    /// only keys and blob references (a few hundred KB per flushed memtable), so with few of them every compaction into
    /// level 1 rewrites all of level 1 to add a sliver of new keys. Writes slow down and stop at twice and three times
    /// the trigger (RocksDB's defaults, 20 and 36 files, would otherwise sit below a large trigger).
    /// </summary>
    public int? BlobLevel0CompactionTrigger { get; init; }

    /// <summary>Target size of level 1 (RocksDB's <c>max_bytes_for_level_base</c>, default 256 MiB); the levels below grow tenfold.</summary>
    public long Level1TargetBytes { get; init; } = 256 * MiB;

    /// <summary>How many old info LOG files RocksDB keeps (it rolls one per open); RocksDB's own default is 1000.</summary>
    public int KeepInfoLogFiles { get; init; } = 10;

    internal void Validate()
    {
        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentOutOfRangeException(nameof(Compression), Compression,
                "RocksDbOptions.Compression must be None, Snappy, Zlib, Lz4 or Zstd");
        }

        ThrowIfBelow(BlockCacheBytes, 1, nameof(BlockCacheBytes));
        ThrowIfBelow(BackgroundJobs, 1, nameof(BackgroundJobs));
        // RocksDB sanitizes write_buffer_size below 64 KiB up to 64 KiB; reject instead of silently changing it.
        ThrowIfBelow(WriteBufferBytes, 64 * 1024, nameof(WriteBufferBytes));
        ThrowIfBelow(BloomBitsPerKey, 0, nameof(BloomBitsPerKey));
        if (UpperLevelCompression is { } upper && !Enum.IsDefined(upper))
        {
            throw new ArgumentOutOfRangeException(nameof(UpperLevelCompression), upper,
                "RocksDbOptions.UpperLevelCompression must be None, Snappy, Zlib, Lz4 or Zstd");
        }

        ThrowIfBelow(MaxTotalWalBytes, 0, nameof(MaxTotalWalBytes));
        ThrowIfBelow(MemtableBudgetBytes, 0, nameof(MemtableBudgetBytes));
        ThrowIfBelow(KeepInfoLogFiles, 1, nameof(KeepInfoLogFiles));
        ThrowIfBelow(Level0CompactionTrigger, 1, nameof(Level0CompactionTrigger));
        if (BlobLevel0CompactionTrigger is { } blobTrigger)
        {
            ThrowIfBelow(blobTrigger, 1, nameof(BlobLevel0CompactionTrigger));
        }
        ThrowIfBelow(Level1TargetBytes, 1 * MiB, nameof(Level1TargetBytes));
        ArgumentNullException.ThrowIfNull(BlobFamilies, nameof(BlobFamilies));
        ArgumentNullException.ThrowIfNull(MemtableBloomFamilies, nameof(MemtableBloomFamilies));
        if (MemtableBloomFamilies.Intersect(BlobFamilies, StringComparer.Ordinal).FirstOrDefault() is { } both)
        {
            throw new ArgumentException($"RocksDbOptions: column family '{both}' is in both BlobFamilies and MemtableBloomFamilies; choose one");
        }
        if (!(MemtableBloomRatio > 0 && MemtableBloomRatio <= 0.25))
        {
            throw new ArgumentOutOfRangeException(nameof(MemtableBloomRatio), MemtableBloomRatio,
                "RocksDbOptions.MemtableBloomRatio must be above 0 and at most 0.25");
        }
        ThrowIfBelow(MinBlobBytes, 0, nameof(MinBlobBytes));
        if (!Enum.IsDefined(BlobCompression))
        {
            throw new ArgumentOutOfRangeException(nameof(BlobCompression), BlobCompression,
                "RocksDbOptions.BlobCompression must be None, Snappy, Zlib, Lz4 or Zstd");
        }
    }

    private static void ThrowIfBelow(long value, long minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"RocksDbOptions.{name} must be at least {minimum}");
        }
    }
}
