namespace Tempo.Streaming.RocksDb;

/// <summary>
/// Block compression codec; the values are RocksDB's <c>CompressionType</c> numbers that the C API takes
/// (<c>rocksdb_no_compression</c> = 0, <c>rocksdb_snappy_compression</c> = 1, <c>rocksdb_zlib_compression</c> = 2,
/// <c>rocksdb_lz4_compression</c> = 4, <c>rocksdb_zstd_compression</c> = 7). Debian's librocksdb7.8 is linked against all of them.
/// </summary>
public enum RocksCompression
{
    None = 0,
    Snappy = 1,
    Zlib = 2,
    Lz4 = 4,
    Zstd = 7,
}
