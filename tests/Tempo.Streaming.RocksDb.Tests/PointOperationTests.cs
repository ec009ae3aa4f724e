namespace Tempo.Streaming.RocksDb.Tests;

public sealed class PointOperationTests : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Put_get_delete_round_trip()
    {
        using var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");

        db.Get(cf, Bytes.Of("k1")).Should().BeNull();
        db.Put(cf, Bytes.Of("k1"), Bytes.Of("v1"));
        db.Put(cf, Bytes.Of("k2"), Bytes.Of("v2"), sync: true);
        Bytes.Text(db.Get(cf, Bytes.Of("k1"))).Should().Be("v1");
        Bytes.Text(db.Get(cf, Bytes.Of("k2"))).Should().Be("v2");

        db.Put(cf, Bytes.Of("k1"), Bytes.Of("v1-overwritten"));
        Bytes.Text(db.Get(cf, Bytes.Of("k1"))).Should().Be("v1-overwritten");

        db.Delete(cf, Bytes.Of("k1"));
        db.Get(cf, Bytes.Of("k1")).Should().BeNull();
        Bytes.Text(db.Get(cf, Bytes.Of("k2"))).Should().Be("v2");

        db.Invoking(d => d.Delete(cf, Bytes.Of("never-written"), sync: true)).Should().NotThrow();
    }

    [Fact]
    public void Empty_value_is_present_and_distinct_from_absent()
    {
        using var db = _dir.Open();
        var cf = db.GetColumnFamily(RocksDatabase.DefaultColumnFamilyName);

        db.Put(cf, Bytes.Of("empty"), ReadOnlySpan<byte>.Empty);

        db.Get(cf, Bytes.Of("empty")).Should().NotBeNull().And.BeEmpty();
        db.TryGet(cf, Bytes.Of("empty"), 0, static (_, _) => { }).Should().BeTrue();
        db.TryGet(cf, Bytes.Of("absent"), 0, static (_, _) => { }).Should().BeFalse();
    }

    [Fact]
    public void TryGet_hands_the_value_to_the_callback_with_the_state()
    {
        using var db = _dir.Open("index");
        var cf = db.GetColumnFamily("index");
        var value = new byte[100_000];
        new Random(7).NextBytes(value);
        db.Put(cf, Bytes.Of("big"), value);
        db.Flush(); // read through the block cache, not only the memtable

        var sink = new List<byte[]>();
        var found = db.TryGet(cf, Bytes.Of("big"), sink, static (span, s) => s.Add(span.ToArray()));

        found.Should().BeTrue();
        sink.Should().ContainSingle().Which.Should().Equal(value);
    }

    [Fact]
    public void Column_families_are_isolated()
    {
        using var db = _dir.Open("traces", "index");
        var traces = db.GetColumnFamily("traces");
        var index = db.GetColumnFamily("index");
        var defaultCf = db.GetColumnFamily("default");

        db.Put(traces, Bytes.Of("same-key"), Bytes.Of("in traces"));
        db.Put(index, Bytes.Of("same-key"), Bytes.Of("in index"));

        Bytes.Text(db.Get(traces, Bytes.Of("same-key"))).Should().Be("in traces");
        Bytes.Text(db.Get(index, Bytes.Of("same-key"))).Should().Be("in index");
        db.Get(defaultCf, Bytes.Of("same-key")).Should().BeNull();

        db.Delete(traces, Bytes.Of("same-key"));
        db.Get(traces, Bytes.Of("same-key")).Should().BeNull();
        Bytes.Text(db.Get(index, Bytes.Of("same-key"))).Should().Be("in index");

        using var it = db.NewIterator(index, default, default);
        var keys = new List<string>();
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            keys.Add(Bytes.Text(it.Key));
        }

        keys.Should().Equal("same-key");
    }

    [Fact]
    public void Unknown_column_family_is_a_KeyNotFoundException_naming_it()
    {
        using var db = _dir.Open("traces");

        db.Invoking(d => d.GetColumnFamily("tracez")).Should().Throw<KeyNotFoundException>()
            .Which.Message.Should().Contain("'tracez'").And.Contain("traces");
        db.ColumnFamilyNames.Should().BeEquivalentTo("default", "traces");
    }

    [Fact]
    public void Column_family_of_another_database_is_rejected()
    {
        using var other = new TempDatabaseDirectory();
        using var db = _dir.Open("traces");
        using var otherDb = other.Open("traces");

        db.Invoking(d => d.Put(otherDb.GetColumnFamily("traces"), Bytes.Of("k"), Bytes.Of("v")))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain(otherDb.Path);
    }

    [Fact]
    public void Properties_report_RocksDB_statistics_and_null_for_unknown_names()
    {
        using var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        for (var i = 0; i < 1000; i++)
        {
            db.Put(cf, Bytes.Of($"key-{i:D5}"), new byte[100]);
        }

        db.Flush();

        long.Parse(db.GetProperty(cf, "rocksdb.estimate-num-keys")!).Should().BeGreaterThan(0);
        long.Parse(db.GetProperty(cf, "rocksdb.estimate-live-data-size")!).Should().BeGreaterThan(0);
        db.GetProperty(cf, "rocksdb.num-files-at-level0").Should().Be("1");
        db.GetProperty(cf, "rocksdb.no-such-property").Should().BeNull();
    }

    [Fact]
    public void CompactRange_drops_deleted_data()
    {
        using var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        for (var i = 0; i < 2000; i++)
        {
            db.Put(cf, Bytes.Of($"key-{i:D5}"), new byte[200]);
        }

        db.Flush();
        for (var i = 0; i < 2000; i++)
        {
            db.Delete(cf, Bytes.Of($"key-{i:D5}"));
        }

        db.Flush();
        db.CompactRange(cf, default, default);

        db.GetProperty(cf, "rocksdb.estimate-live-data-size").Should().Be("0");
        db.GetProperty(cf, "rocksdb.estimate-num-keys").Should().Be("0");
    }
}
