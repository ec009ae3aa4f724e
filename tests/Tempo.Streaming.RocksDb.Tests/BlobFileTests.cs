namespace Tempo.Streaming.RocksDb.Tests;

public sealed class BlobFileTests : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly RocksDbOptions BlobOptions = new()
    {
        BlobFamilies = ["traces"],
        MinBlobBytes = 256,
        Compression = RocksCompression.Lz4,
    };

    private static byte[] LargeValue(int i) => Enumerable.Range(0, 1024).Select(b => (byte)(b * 31 + i)).ToArray();

    [Fact]
    public void Large_values_of_a_blob_family_go_to_blob_files_and_read_back_after_reopen()
    {
        using (var db = _dir.Open(BlobOptions, "traces", "index"))
        {
            var traces = db.GetColumnFamily("traces");
            var index = db.GetColumnFamily("index");
            for (var i = 0; i < 100; i++)
            {
                db.Put(traces, Bytes.Of($"trace-{i:D4}"), LargeValue(i));
                db.Put(index, Bytes.Of($"index-{i:D4}"), LargeValue(i));
            }

            db.Put(traces, "small"u8, "below the threshold"u8);
            db.Flush();
            db.GetProperty(traces, "rocksdb.num-blob-files").Should().Be("1");
            db.GetProperty(index, "rocksdb.num-blob-files").Should().Be("0", "only the listed families use blob files");
        }

        var options = File.ReadAllText(Directory.GetFiles(_dir.DatabasePath, "OPTIONS-*").OrderBy(f => f, StringComparer.Ordinal).Last());
        var tracesSection = options[options.IndexOf("[CFOptions \"traces\"]", StringComparison.Ordinal)..];
        tracesSection.Should().Contain("enable_blob_files=true").And.Contain("min_blob_size=256")
            .And.Contain("blob_compression_type=kLZ4Compression").And.Contain("enable_blob_garbage_collection=false");
        var indexSection = options[options.IndexOf("[CFOptions \"index\"]", StringComparison.Ordinal)..];
        indexSection[..indexSection.IndexOf("[TableOptions", StringComparison.Ordinal)].Should().Contain("enable_blob_files=false");

        using var reopened = _dir.Open(BlobOptions, "traces", "index");
        var cf = reopened.GetColumnFamily("traces");
        for (var i = 0; i < 100; i++)
        {
            reopened.Get(cf, Bytes.Of($"trace-{i:D4}")).Should().Equal(LargeValue(i));
        }

        Bytes.Text(reopened.Get(cf, "small"u8)!).Should().Be("below the threshold");
    }

    [Fact]
    public void Blob_families_take_their_own_level0_trigger_with_the_write_limits_above_it_and_other_families_keep_theirs()
    {
        using (var db = _dir.Open(new RocksDbOptions { BlobFamilies = ["traces"], Level0CompactionTrigger = 8, BlobLevel0CompactionTrigger = 32 }, "traces", "index"))
        {
            db.Put(db.GetColumnFamily("traces"), "k"u8, LargeValue(1));
        }

        var options = File.ReadAllText(Directory.GetFiles(_dir.DatabasePath, "OPTIONS-*").OrderBy(f => f, StringComparer.Ordinal).Last());
        var tracesSection = options[options.IndexOf("[CFOptions \"traces\"]", StringComparison.Ordinal)..];
        tracesSection[..tracesSection.IndexOf("[TableOptions", StringComparison.Ordinal)].Should()
            .Contain("level0_file_num_compaction_trigger=32").And.Contain("level0_slowdown_writes_trigger=64").And.Contain("level0_stop_writes_trigger=96");
        var indexSection = options[options.IndexOf("[CFOptions \"index\"]", StringComparison.Ordinal)..];
        indexSection[..indexSection.IndexOf("[TableOptions", StringComparison.Ordinal)].Should()
            .Contain("level0_file_num_compaction_trigger=8").And.Contain("level0_slowdown_writes_trigger=20").And.Contain("level0_stop_writes_trigger=36");

        var zero = () => _dir.Open(new RocksDbOptions { BlobFamilies = ["traces"], BlobLevel0CompactionTrigger = 0 }, "traces");
        zero.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*BlobLevel0CompactionTrigger*");
    }

    [Fact]
    public void A_blob_file_whose_values_are_all_deleted_is_removed_by_compaction()
    {
        using var db = _dir.Open(BlobOptions, "traces");
        var cf = db.GetColumnFamily("traces");
        for (var i = 0; i < 100; i++)
        {
            db.Put(cf, Bytes.Of($"old-{i:D4}"), LargeValue(i));
        }

        db.Flush();
        for (var i = 0; i < 100; i++)
        {
            db.Put(cf, Bytes.Of($"new-{i:D4}"), LargeValue(i));
        }

        db.Flush();
        db.GetProperty(cf, "rocksdb.num-blob-files").Should().Be("2");
        Directory.GetFiles(_dir.DatabasePath, "*.blob").Should().HaveCount(2);

        for (var i = 0; i < 100; i++)
        {
            db.Delete(cf, Bytes.Of($"old-{i:D4}"));
        }

        db.Flush();
        db.CompactRange(cf, default, default);
        db.GetProperty(cf, "rocksdb.num-blob-files").Should().Be("1", "the file of the deleted values is all garbage");
        Directory.GetFiles(_dir.DatabasePath, "*.blob").Should().HaveCount(1);
        db.Get(cf, "new-0042"u8).Should().Equal(LargeValue(42));
        db.Get(cf, "old-0042"u8).Should().BeNull();
    }

    [Fact]
    public void A_sorted_multi_get_finds_values_in_blob_files_tables_and_the_memtable_and_reports_the_missing_keys_in_order()
    {
        using var db = _dir.Open(BlobOptions, "traces");
        var cf = db.GetColumnFamily("traces");
        for (var i = 0; i < 100; i += 2)
        {
            db.Put(cf, Bytes.Of($"trace-{i:D4}"), LargeValue(i)); // blob files once flushed
        }
        db.Put(cf, "trace-0051"u8, "small, in a table"u8);
        db.Flush();
        db.Put(cf, "trace-0053"u8, LargeValue(53)); // still in the memtable

        var wanted = Enumerable.Range(40, 20).Select(i => $"trace-{i:D4}").ToArray();
        var keyBytes = wanted.SelectMany(Bytes.Of).ToArray();
        var results = new List<(int Index, bool Found, byte[] Value)>();
        db.MultiGetSorted(cf, keyBytes, wanted.Select(k => k.Length).ToArray(), results,
            static (index, found, value, list) => list.Add((index, found, value.ToArray())));

        results.Select(r => r.Index).Should().Equal(Enumerable.Range(0, 20));
        for (var k = 0; k < wanted.Length; k++)
        {
            var i = 40 + k;
            var expected = i % 2 == 0 ? LargeValue(i) : i == 51 ? Bytes.Of("small, in a table") : i == 53 ? LargeValue(53) : null;
            results[k].Found.Should().Be(expected is not null, wanted[k]);
            results[k].Value.Should().Equal(expected ?? [], wanted[k]);
        }

        var overrun = () => db.MultiGetSorted(cf, keyBytes, [keyBytes.Length + 1], 0, static (_, _, _, _) => { });
        overrun.Should().Throw<ArgumentException>().WithMessage("*more than the*");
    }
}
