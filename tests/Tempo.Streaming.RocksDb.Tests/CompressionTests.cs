using System.Text;

namespace Tempo.Streaming.RocksDb.Tests;

public sealed class CompressionTests : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(RocksCompression.Zstd, "kZSTD", "ZSTD")]
    [InlineData(RocksCompression.Lz4, "kLZ4Compression", "LZ4")]
    [InlineData(RocksCompression.None, "kNoCompression", "NoCompression")]
    public void The_configured_codec_is_in_the_options_file_and_the_sst_files(RocksCompression codec, string optionName, string sstName)
    {
        using (var db = _dir.Open(new RocksDbOptions { Compression = codec }, "traces"))
        {
            var cf = db.GetColumnFamily("traces");
            var value = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("service.name=checkout;", 20)));
            for (var i = 0; i < 1000; i++)
            {
                db.Put(cf, Encoding.UTF8.GetBytes($"key-{i:D6}"), value);
            }

            db.Flush();
            db.CompactRange(cf, default, default); // bottommost level output too
        }

        // RocksDB persists the options it runs with in OPTIONS-<n>; the latest one describes this open.
        var optionsFile = Directory.GetFiles(_dir.DatabasePath, "OPTIONS-*").OrderBy(f => f, StringComparer.Ordinal).Last();
        var options = File.ReadAllText(optionsFile);
        var tracesSection = options[options.IndexOf("[CFOptions \"traces\"]", StringComparison.Ordinal)..];
        tracesSection.Should().Contain($"compression={optionName}").And.Contain($"bottommost_compression={optionName}");

        // Each SST's table properties name its compression codec.
        var ssts = Directory.GetFiles(_dir.DatabasePath, "*.sst");
        ssts.Should().NotBeEmpty();
        foreach (var sst in ssts)
        {
            Encoding.Latin1.GetString(File.ReadAllBytes(sst)).Should().Contain(sstName, $"{Path.GetFileName(sst)} is {codec}");
        }
    }

    [Fact]
    public void Upper_levels_get_their_own_codec_and_the_wal_memtable_and_level_limits_are_in_force()
    {
        using (var db = _dir.Open(new RocksDbOptions
               {
                   Compression = RocksCompression.Zstd,
                   UpperLevelCompression = RocksCompression.Lz4,
                   MaxTotalWalBytes = 32L << 20,
                   MemtableBudgetBytes = 8L << 20,
                   Level0CompactionTrigger = 6,
                   Level1TargetBytes = 512L << 20,
               }, "traces"))
        {
            var cf = db.GetColumnFamily("traces");
            db.Put(cf, "k"u8, "v"u8);
            db.Flush();
        }

        var optionsFile = Directory.GetFiles(_dir.DatabasePath, "OPTIONS-*").OrderBy(f => f, StringComparer.Ordinal).Last();
        var options = File.ReadAllText(optionsFile);
        options.Should().Contain("max_total_wal_size=33554432").And.Contain("db_write_buffer_size=8388608");
        var tracesSection = options[options.IndexOf("[CFOptions \"traces\"]", StringComparison.Ordinal)..];
        tracesSection.Should().Contain("compression_per_level=kLZ4Compression:kLZ4Compression:kLZ4Compression:kLZ4Compression:kLZ4Compression:kLZ4Compression:kZSTD")
            .And.Contain("bottommost_compression=kZSTD")
            .And.Contain("level0_file_num_compaction_trigger=6").And.Contain("max_bytes_for_level_base=536870912");
    }

    [Fact]
    public void Zstd_shrinks_repetitive_data_compared_with_no_compression()
    {
        var sizes = new Dictionary<RocksCompression, long>();
        foreach (var codec in new[] { RocksCompression.None, RocksCompression.Zstd })
        {
            var path = Path.Combine(_dir.Root, codec.ToString());
            using var db = RocksDatabase.Open(path, new RocksDbOptions { Compression = codec }, ["traces"]);
            var cf = db.GetColumnFamily("traces");
            var value = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("http.request.method=GET;", 10)));
            for (var i = 0; i < 2000; i++)
            {
                db.Put(cf, Encoding.UTF8.GetBytes($"key-{i:D6}"), value);
            }

            db.Flush();
            sizes[codec] = long.Parse(db.GetProperty(cf, "rocksdb.total-sst-files-size")!);
        }

        sizes[RocksCompression.Zstd].Should().BeLessThan(sizes[RocksCompression.None] / 4);
    }
}
