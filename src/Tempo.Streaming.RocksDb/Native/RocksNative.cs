using System.Runtime.InteropServices;

namespace Tempo.Streaming.RocksDb.Native;

/// <summary>
/// P/Invoke declarations over RocksDB's C API (<c>include/rocksdb/c.h</c>) as shipped by Debian's <c>librocksdb7.8</c>.
/// Every signature is blittable (pointers, <see cref="nuint"/> lengths, <see cref="byte"/> booleans as c.h's
/// <c>unsigned char</c>), so a call costs no marshalling. Error reporting follows c.h convention (3): the last
/// <c>char** errptr</c> argument stays NULL on success and receives a malloc'ed message on failure, which
/// <see cref="RocksError.ThrowIfSet"/> turns into a <see cref="RocksDbException"/> and frees.
/// </summary>
internal static unsafe partial class RocksNative
{
    /// <summary>The exact SONAME: Debian ships no unversioned <c>librocksdb.so</c> without the -dev package.</summary>
    internal const string Library = "librocksdb.so.7.8";

    // ---- options (DBOptions + ColumnFamilyOptions in one object; DB::Open copies them) ----
    [LibraryImport(Library)] internal static partial nint rocksdb_options_create();
    [LibraryImport(Library)] internal static partial void rocksdb_options_destroy(nint options);
    [LibraryImport(Library)] internal static partial nint rocksdb_options_create_copy(nint options);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_level0_file_num_compaction_trigger(nint options, int files);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_level0_slowdown_writes_trigger(nint options, int files);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_level0_stop_writes_trigger(nint options, int files);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_max_bytes_for_level_base(nint options, ulong bytes);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_enable_blob_files(nint options, byte value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_min_blob_size(nint options, ulong bytes);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_blob_compression_type(nint options, int compressionType);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_memtable_prefix_bloom_size_ratio(nint options, double ratio);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_memtable_whole_key_filtering(nint options, byte enabled);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_create_if_missing(nint options, byte value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_create_missing_column_families(nint options, byte value);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_compression(nint options, int compressionType);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_bottommost_compression(nint options, int compressionType);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_max_background_jobs(nint options, int jobs);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_write_buffer_size(nint options, nuint bytes);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_keep_log_file_num(nint options, nuint count);
    [LibraryImport(Library)] internal static unsafe partial void rocksdb_options_set_compression_per_level(nint options, int* levelValues, nuint numLevels);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_max_total_wal_size(nint options, ulong bytes);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_db_write_buffer_size(nint options, nuint bytes);
    [LibraryImport(Library)] internal static partial void rocksdb_options_set_block_based_table_factory(nint options, nint tableOptions);

    // ---- block-based table, block cache, bloom filter ----
    [LibraryImport(Library)] internal static partial nint rocksdb_block_based_options_create();
    [LibraryImport(Library)] internal static partial void rocksdb_block_based_options_destroy(nint tableOptions);
    [LibraryImport(Library)] internal static partial void rocksdb_block_based_options_set_block_cache(nint tableOptions, nint cache);

    /// <summary>Takes ownership of <paramref name="filterPolicy"/> (c.cc resets a shared_ptr with it): never destroy it afterwards.</summary>
    [LibraryImport(Library)] internal static partial void rocksdb_block_based_options_set_filter_policy(nint tableOptions, nint filterPolicy);

    /// <summary>RocksDB 7.x takes <c>double bits_per_key</c> (6.x took int); full (not block-based) filter format.</summary>
    [LibraryImport(Library)] internal static partial nint rocksdb_filterpolicy_create_bloom_full(double bitsPerKey);

    [LibraryImport(Library)] internal static partial nint rocksdb_cache_create_lru(nuint capacityBytes);
    [LibraryImport(Library)] internal static partial void rocksdb_cache_destroy(nint cache);

    // ---- open / close / column families ----
    [LibraryImport(Library)]
    internal static partial nint rocksdb_open_column_families(nint options, byte* path, int count, byte** names, nint* cfOptions,
        nint* cfHandlesOut, nint* errptr);

    [LibraryImport(Library)] internal static partial byte** rocksdb_list_column_families(nint options, byte* path, nuint* count, nint* errptr);
    [LibraryImport(Library)] internal static partial void rocksdb_list_column_families_destroy(byte** list, nuint count);
    [LibraryImport(Library)] internal static partial void rocksdb_column_family_handle_destroy(nint cf);
    [LibraryImport(Library)] internal static partial void rocksdb_close(nint db);

    // ---- read / write options ----
    [LibraryImport(Library)] internal static partial nint rocksdb_readoptions_create();
    [LibraryImport(Library)] internal static partial void rocksdb_readoptions_destroy(nint readOptions);
    [LibraryImport(Library)] internal static partial void rocksdb_readoptions_set_snapshot(nint readOptions, nint snapshot);

    /// <summary>Stores the POINTER (a Slice in the readoptions wrapper): the bytes must outlive the read options and every iterator.</summary>
    [LibraryImport(Library)] internal static partial void rocksdb_readoptions_set_iterate_lower_bound(nint readOptions, byte* key, nuint keyLength);

    /// <summary>Stores the POINTER, as for the lower bound.</summary>
    [LibraryImport(Library)] internal static partial void rocksdb_readoptions_set_iterate_upper_bound(nint readOptions, byte* key, nuint keyLength);

    [LibraryImport(Library)] internal static partial nint rocksdb_writeoptions_create();
    [LibraryImport(Library)] internal static partial void rocksdb_writeoptions_destroy(nint writeOptions);
    [LibraryImport(Library)] internal static partial void rocksdb_writeoptions_set_sync(nint writeOptions, byte value);
    [LibraryImport(Library)] internal static partial void rocksdb_writeoptions_disable_WAL(nint writeOptions, int disable);

    [LibraryImport(Library)] internal static partial nint rocksdb_flushoptions_create();
    [LibraryImport(Library)] internal static partial void rocksdb_flushoptions_destroy(nint flushOptions);
    [LibraryImport(Library)] internal static partial void rocksdb_flushoptions_set_wait(nint flushOptions, byte value);

    // ---- point operations ----
    [LibraryImport(Library)]
    internal static partial void rocksdb_put_cf(nint db, nint writeOptions, nint cf, byte* key, nuint keyLength, byte* value,
        nuint valueLength, nint* errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_delete_cf(nint db, nint writeOptions, nint cf, byte* key, nuint keyLength, nint* errptr);

    /// <summary>Returns NULL when the key is absent (and no error); otherwise a pinnable slice to destroy.</summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_get_pinned_cf(nint db, nint readOptions, nint cf, byte* key, nuint keyLength, nint* errptr);

    /// <summary>
    /// One MultiGet of <paramref name="numKeys"/> keys: values[i] is NULL when key i is absent, else a pinnable slice to
    /// destroy; errs[i] a malloc'ed message to free. sorted_input (a C bool): the keys are in the column family's order already.
    /// </summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_batched_multi_get_cf(nint db, nint readOptions, nint cf, nuint numKeys, byte** keys,
        nuint* keySizes, nint* values, nint* errs, byte sortedInput);

    [LibraryImport(Library)] internal static partial byte* rocksdb_pinnableslice_value(nint slice, nuint* valueLength);
    [LibraryImport(Library)] internal static partial void rocksdb_pinnableslice_destroy(nint slice);

    // ---- write batches ----
    [LibraryImport(Library)] internal static partial nint rocksdb_writebatch_create();
    [LibraryImport(Library)] internal static partial void rocksdb_writebatch_destroy(nint batch);
    [LibraryImport(Library)] internal static partial void rocksdb_writebatch_clear(nint batch);
    [LibraryImport(Library)] internal static partial int rocksdb_writebatch_count(nint batch);
    [LibraryImport(Library)] internal static partial byte* rocksdb_writebatch_data(nint batch, nuint* size);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_put_cf(nint batch, nint cf, byte* key, nuint keyLength, byte* value, nuint valueLength);

    [LibraryImport(Library)] internal static partial void rocksdb_writebatch_delete_cf(nint batch, nint cf, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_delete_range_cf(nint batch, nint cf, byte* beginKey, nuint beginLength, byte* endKey,
        nuint endLength);

    [LibraryImport(Library)] internal static partial void rocksdb_write(nint db, nint writeOptions, nint batch, nint* errptr);

    // ---- iterators ----
    [LibraryImport(Library)] internal static partial nint rocksdb_create_iterator_cf(nint db, nint readOptions, nint cf);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_destroy(nint iterator);
    [LibraryImport(Library)] internal static partial byte rocksdb_iter_valid(nint iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek_to_first(nint iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek_to_last(nint iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek(nint iterator, byte* key, nuint keyLength);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_seek_for_prev(nint iterator, byte* key, nuint keyLength);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_next(nint iterator);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_prev(nint iterator);
    [LibraryImport(Library)] internal static partial byte* rocksdb_iter_key(nint iterator, nuint* keyLength);
    [LibraryImport(Library)] internal static partial byte* rocksdb_iter_value(nint iterator, nuint* valueLength);
    [LibraryImport(Library)] internal static partial void rocksdb_iter_get_error(nint iterator, nint* errptr);

    // ---- snapshots ----
    [LibraryImport(Library)] internal static partial nint rocksdb_create_snapshot(nint db);
    [LibraryImport(Library)] internal static partial void rocksdb_release_snapshot(nint db, nint snapshot);

    // ---- maintenance / introspection ----
    [LibraryImport(Library)] internal static partial void rocksdb_flush_cf(nint db, nint flushOptions, nint cf, nint* errptr);

    /// <summary>A NULL start or limit means "from the first key" / "to the last key" (c.cc passes nullptr to CompactRange).</summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_compact_range_cf(nint db, nint cf, byte* startKey, nuint startLength, byte* limitKey,
        nuint limitLength);

    /// <summary>Returns a malloc'ed string to free with <see cref="rocksdb_free"/>, or NULL for an unknown property.</summary>
    [LibraryImport(Library)] internal static partial byte* rocksdb_property_value_cf(nint db, nint cf, byte* propertyName);

    [LibraryImport(Library)] internal static partial void rocksdb_free(void* pointer);
}
