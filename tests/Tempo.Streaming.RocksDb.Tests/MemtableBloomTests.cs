namespace Tempo.Streaming.RocksDb.Tests;

public sealed class MemtableBloomTests : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Listed_families_get_a_whole_key_memtable_filter_and_reads_still_find_every_key()
    {
        var options = new RocksDbOptions { MemtableBloomFamilies = ["index"], MemtableBloomRatio = 0.05 };
        using (var db = _dir.Open(options, "index", "traces"))
        {
            var index = db.GetColumnFamily("index");
            for (var i = 0; i < 1000; i += 2)
            {
                db.Put(index, Bytes.Of($"key-{i:D4}"), Bytes.Of($"value-{i}"));
            }

            // In the memtable (no flush): present keys are found, absent ones (filtered) are not.
            for (var i = 0; i < 1000; i++)
            {
                var value = db.Get(index, Bytes.Of($"key-{i:D4}"));
                if (i % 2 == 0)
                {
                    Bytes.Text(value!).Should().Be($"value-{i}");
                }
                else
                {
                    value.Should().BeNull();
                }
            }
        }

        var written = File.ReadAllText(Directory.GetFiles(_dir.DatabasePath, "OPTIONS-*").OrderBy(f => f, StringComparer.Ordinal).Last());
        Section(written, "index").Should().Contain("memtable_whole_key_filtering=true").And.Contain("memtable_prefix_bloom_size_ratio=0.05");
        Section(written, "traces").Should().Contain("memtable_whole_key_filtering=false", "only the listed families");
    }

    [Fact]
    public void A_family_cannot_be_both_a_blob_family_and_a_memtable_bloom_family()
    {
        var both = new RocksDbOptions { BlobFamilies = ["traces"], MemtableBloomFamilies = ["traces"] };
        var act = () => _dir.Open(both, "traces");
        act.Should().Throw<ArgumentException>().WithMessage("*'traces'*both*");

        var tooLarge = new RocksDbOptions { MemtableBloomFamilies = ["index"], MemtableBloomRatio = 0.5 };
        ((Action)(() => _dir.Open(tooLarge, "index"))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MemtableBloomRatio*");
    }

    private static string Section(string options, string family)
    {
        var section = options[options.IndexOf($"[CFOptions \"{family}\"]", StringComparison.Ordinal)..];
        return section[..section.IndexOf("[TableOptions", StringComparison.Ordinal)];
    }
}
