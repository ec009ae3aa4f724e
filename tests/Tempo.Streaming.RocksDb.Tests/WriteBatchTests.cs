namespace Tempo.Streaming.RocksDb.Tests;

public sealed class WriteBatchTests : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_batch_across_column_families_is_invisible_until_written_then_visible_whole()
    {
        using var db = _dir.Open("traces", "index", "meta");
        var traces = db.GetColumnFamily("traces");
        var index = db.GetColumnFamily("index");
        var meta = db.GetColumnFamily("meta");
        db.Put(index, Bytes.Of("stale"), Bytes.Of("x"));

        using var batch = new RocksWriteBatch();
        batch.Put(traces, Bytes.Of("t1"), Bytes.Of("trace-1"));
        batch.Put(index, Bytes.Of("i1"), Bytes.Of("posting-1"));
        batch.Delete(index, Bytes.Of("stale"));
        batch.Put(meta, Bytes.Of("offset"), Bytes.Of("42"));

        batch.Count.Should().Be(4);
        batch.DataSizeBytes.Should().BeGreaterThan(12); // 12-byte header (sequence + count) plus the records
        db.Get(traces, Bytes.Of("t1")).Should().BeNull();
        db.Get(meta, Bytes.Of("offset")).Should().BeNull();
        db.Get(index, Bytes.Of("stale")).Should().NotBeNull();

        db.Write(batch);

        Bytes.Text(db.Get(traces, Bytes.Of("t1"))).Should().Be("trace-1");
        Bytes.Text(db.Get(index, Bytes.Of("i1"))).Should().Be("posting-1");
        Bytes.Text(db.Get(meta, Bytes.Of("offset"))).Should().Be("42");
        db.Get(index, Bytes.Of("stale")).Should().BeNull();
    }

    [Fact]
    public void A_batch_written_without_the_wal_is_visible_at_once_skips_the_wal_and_survives_a_clean_close()
    {
        var value = new byte[1 << 20];
        Random.Shared.NextBytes(value);
        using (var db = _dir.Open("traces", "meta"))
        {
            using var unlogged = new RocksWriteBatch();
            unlogged.Put(db.GetColumnFamily("traces"), Bytes.Of("fragment"), value);
            db.WriteWithoutWal(unlogged);

            db.Get(db.GetColumnFamily("traces"), Bytes.Of("fragment")).Should().Equal(value);
            WalBytes().Should().BeLessThan(value.Length, "the megabyte went to the memtable only");

            using var logged = new RocksWriteBatch();
            logged.Put(db.GetColumnFamily("meta"), Bytes.Of("copy"), value);
            db.Write(logged);
            WalBytes().Should().BeGreaterThanOrEqualTo(value.Length, "a normal write goes through the WAL");
        }

        // Closing flushes the memtable the WAL does not cover.
        using var reopened = _dir.Open("traces", "meta");
        reopened.Get(reopened.GetColumnFamily("traces"), Bytes.Of("fragment")).Should().Equal(value);
    }

    private long WalBytes() => Directory.GetFiles(_dir.DatabasePath, "*.log").Sum(file => new FileInfo(file).Length);

    [Fact]
    public void Clear_empties_the_batch_for_reuse()
    {
        using var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        using var batch = new RocksWriteBatch();
        batch.Put(cf, Bytes.Of("dropped"), Bytes.Of("x"));

        batch.Clear();
        batch.Count.Should().Be(0);
        batch.Put(cf, Bytes.Of("kept"), Bytes.Of("y"));
        db.Write(batch, sync: true);

        db.Get(cf, Bytes.Of("dropped")).Should().BeNull();
        Bytes.Text(db.Get(cf, Bytes.Of("kept"))).Should().Be("y");
    }

    [Fact]
    public void DeleteRange_removes_the_half_open_range_only()
    {
        using var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        foreach (var k in new[] { "a", "b", "b1", "b2", "c", "c0", "d" })
        {
            db.Put(cf, Bytes.Of(k), Bytes.Of(k));
        }

        db.Flush(); // half the keys in an SST file, the rest in the memtable: the tombstone must cover both
        db.Put(cf, Bytes.Of("b3"), Bytes.Of("b3"));

        using var batch = new RocksWriteBatch();
        batch.DeleteRange(cf, Bytes.Of("b"), Bytes.Of("c"));
        db.Write(batch);

        Remaining(db, cf).Should().Equal("a", "c", "c0", "d");
        db.Get(cf, Bytes.Of("b2")).Should().BeNull();
        Bytes.Text(db.Get(cf, Bytes.Of("c"))).Should().Be("c");

        db.Flush();
        db.CompactRange(cf, default, default);
        Remaining(db, cf).Should().Equal("a", "c", "c0", "d");
    }

    [Fact]
    public void A_batch_bound_to_one_database_cannot_be_written_to_another()
    {
        using var other = new TempDatabaseDirectory();
        using var db = _dir.Open("traces");
        using var otherDb = other.Open("traces");
        using var batch = new RocksWriteBatch();
        batch.Put(db.GetColumnFamily("traces"), Bytes.Of("k"), Bytes.Of("v"));

        otherDb.Invoking(d => d.Write(batch)).Should().Throw<ArgumentException>().Which.Message.Should().Contain(db.Path);
        batch.Invoking(b => b.Put(otherDb.GetColumnFamily("traces"), Bytes.Of("k"), Bytes.Of("v")))
            .Should().Throw<ArgumentException>();

        batch.Clear();
        batch.Put(otherDb.GetColumnFamily("traces"), Bytes.Of("k2"), Bytes.Of("v2"));
        otherDb.Write(batch);
        Bytes.Text(otherDb.Get(otherDb.GetColumnFamily("traces"), Bytes.Of("k2"))).Should().Be("v2");
    }

    private static List<string> Remaining(RocksDatabase db, ColumnFamily cf)
    {
        using var it = db.NewIterator(cf, default, default);
        var keys = new List<string>();
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            keys.Add(Bytes.Text(it.Key));
        }

        it.ThrowIfFailed();
        return keys;
    }
}
