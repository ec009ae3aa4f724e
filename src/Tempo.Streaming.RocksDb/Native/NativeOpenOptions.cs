namespace Tempo.Streaming.RocksDb.Native;

/// <summary>
/// The native option objects needed to list and open a database, built from <see cref="RocksDbOptions"/>. All of them
/// can be destroyed right after <c>rocksdb_open_column_families</c>: the DB copies its options, the table factory
/// copied the table options, and the cache and filter policy live on through the shared_ptrs the factory holds.
/// </summary>
internal sealed class NativeOpenOptions : IDisposable
{
    private readonly OptionsHandle _options;
    private readonly OptionsHandle? _blobOptions;
    private readonly IReadOnlyCollection<string> _blobFamilies;
    private readonly OptionsHandle? _bloomOptions;
    private readonly IReadOnlyCollection<string> _bloomFamilies;

    internal NativeOpenOptions(RocksDbOptions options)
    {
        _options = new OptionsHandle();
        var o = _options.Pointer;
        RocksNative.rocksdb_options_set_create_if_missing(o, options.CreateIfMissing ? (byte)1 : (byte)0);
        // The caller lists every column family it needs; the ones not on disk yet are created at open.
        RocksNative.rocksdb_options_set_create_missing_column_families(o, 1);
        RocksNative.rocksdb_options_set_compression(o, (int)options.Compression);
        // bottommost_compression defaults to "same as compression", but set it explicitly so the OPTIONS file states it.
        RocksNative.rocksdb_options_set_bottommost_compression(o, (int)options.Compression);
        RocksNative.rocksdb_options_set_max_background_jobs(o, options.BackgroundJobs);
        RocksNative.rocksdb_options_set_write_buffer_size(o, (nuint)options.WriteBufferBytes);
        RocksNative.rocksdb_options_set_keep_log_file_num(o, (nuint)options.KeepInfoLogFiles);
        RocksNative.rocksdb_options_set_level0_file_num_compaction_trigger(o, options.Level0CompactionTrigger);
        RocksNative.rocksdb_options_set_max_bytes_for_level_base(o, (ulong)options.Level1TargetBytes);
        if (options.UpperLevelCompression is { } upper)
        {
            SetCompressionPerLevel(o, upper, options.Compression);
        }

        if (options.MaxTotalWalBytes > 0)
        {
            RocksNative.rocksdb_options_set_max_total_wal_size(o, (ulong)options.MaxTotalWalBytes);
        }

        if (options.MemtableBudgetBytes > 0)
        {
            RocksNative.rocksdb_options_set_db_write_buffer_size(o, (nuint)options.MemtableBudgetBytes);
        }

        using var table = new BlockBasedTableOptionsHandle();
        using (var cache = new LruCacheHandle(options.BlockCacheBytes))
        {
            RocksNative.rocksdb_block_based_options_set_block_cache(table.Pointer, cache.Pointer);
        }

        if (options.BloomBitsPerKey > 0)
        {
            // Ownership of the policy passes to the table options (no destroy on our side).
            RocksNative.rocksdb_block_based_options_set_filter_policy(table.Pointer,
                RocksNative.rocksdb_filterpolicy_create_bloom_full(options.BloomBitsPerKey));
        }

        RocksNative.rocksdb_options_set_block_based_table_factory(o, table.Pointer);

        _blobFamilies = options.BlobFamilies;
        if (_blobFamilies.Count > 0)
        {
            // A copy shares the table factory (block cache, bloom filter) and differs only in where large values go.
            _blobOptions = _options.Copy();
            var b = _blobOptions.Pointer;
            RocksNative.rocksdb_options_set_enable_blob_files(b, 1);
            RocksNative.rocksdb_options_set_min_blob_size(b, (ulong)options.MinBlobBytes);
            RocksNative.rocksdb_options_set_blob_compression_type(b, (int)options.BlobCompression);
            if (options.BlobLevel0CompactionTrigger is { } trigger)
            {
                RocksNative.rocksdb_options_set_level0_file_num_compaction_trigger(b, trigger);
                RocksNative.rocksdb_options_set_level0_slowdown_writes_trigger(b, Math.Max(DefaultLevel0SlowdownTrigger, 2 * trigger));
                RocksNative.rocksdb_options_set_level0_stop_writes_trigger(b, Math.Max(DefaultLevel0StopTrigger, 3 * trigger));
            }
            // No blob garbage collection: it relocates the live values of the oldest files during compactions, which
            // cost more CPU than inline values did (measured at 150k spans/s). Values deleted together leave whole
            // files of garbage, and RocksDB drops a blob file once every value in it is garbage, without copying.
        }

        _bloomFamilies = options.MemtableBloomFamilies;
        if (_bloomFamilies.Count > 0)
        {
            _bloomOptions = _options.Copy();
            RocksNative.rocksdb_options_set_memtable_prefix_bloom_size_ratio(_bloomOptions.Pointer, options.MemtableBloomRatio);
            RocksNative.rocksdb_options_set_memtable_whole_key_filtering(_bloomOptions.Pointer, 1);
        }
    }

    private const int DefaultLevel0SlowdownTrigger = 20, DefaultLevel0StopTrigger = 36;

    // RocksDB's default num_levels is 7; the last entry is the bottommost level.
    private static unsafe void SetCompressionPerLevel(nint options, RocksCompression upper, RocksCompression bottommost)
    {
        const int Levels = 7;
        var levels = stackalloc int[Levels];
        for (var i = 0; i < Levels - 1; i++)
        {
            levels[i] = (int)upper;
        }

        levels[Levels - 1] = (int)bottommost;
        RocksNative.rocksdb_options_set_compression_per_level(options, levels, Levels);
    }

    /// <summary>Valid until <see cref="Dispose"/>: the DB options, and the options of every column family without blob files.</summary>
    internal nint Pointer => _options.Pointer;

    /// <summary>The options of column family <paramref name="name"/>; valid until <see cref="Dispose"/>.</summary>
    internal nint ForFamily(string name) =>
        _blobOptions is not null && _blobFamilies.Contains(name, StringComparer.Ordinal) ? _blobOptions.Pointer
        : _bloomOptions is not null && _bloomFamilies.Contains(name, StringComparer.Ordinal) ? _bloomOptions.Pointer
        : _options.Pointer;

    public void Dispose()
    {
        _bloomOptions?.Dispose();
        _blobOptions?.Dispose();
        _options.Dispose();
    }
}
