namespace Tempo.Streaming.RocksDb.Tests;

public sealed class SnapshotTests : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Writes_after_the_snapshot_are_invisible_through_it()
    {
        using var db = _dir.Open("traces", "meta");
        var traces = db.GetColumnFamily("traces");
        var meta = db.GetColumnFamily("meta");
        db.Put(traces, Bytes.Of("t1"), Bytes.Of("before"));
        db.Put(traces, Bytes.Of("t2"), Bytes.Of("before"));

        using var snapshot = db.CreateSnapshot();
        db.Put(traces, Bytes.Of("t1"), Bytes.Of("after"));
        db.Delete(traces, Bytes.Of("t2"));
        db.Put(traces, Bytes.Of("t3"), Bytes.Of("after"));
        db.Put(meta, Bytes.Of("offset"), Bytes.Of("9"));
        db.Flush();
        db.CompactRange(traces, default, default); // compaction must keep the versions the snapshot sees

        Bytes.Text(db.Get(traces, Bytes.Of("t1"), snapshot)).Should().Be("before");
        Bytes.Text(db.Get(traces, Bytes.Of("t2"), snapshot)).Should().Be("before");
        db.Get(traces, Bytes.Of("t3"), snapshot).Should().BeNull();
        db.Get(meta, Bytes.Of("offset"), snapshot).Should().BeNull();
        db.TryGet(traces, Bytes.Of("t3"), 0, static (_, _) => { }, snapshot).Should().BeFalse();

        using (var it = db.NewIterator(traces, default, default, snapshot))
        {
            var seen = new List<string>();
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                seen.Add(Bytes.Text(it.Key) + "=" + Bytes.Text(it.Value));
            }

            seen.Should().Equal("t1=before", "t2=before");
        }

        Bytes.Text(db.Get(traces, Bytes.Of("t1"))).Should().Be("after");
        db.Get(traces, Bytes.Of("t2")).Should().BeNull();
    }

    [Fact]
    public void Snapshot_of_another_database_is_rejected()
    {
        using var other = new TempDatabaseDirectory();
        using var db = _dir.Open("traces");
        using var otherDb = other.Open("traces");
        using var snapshot = otherDb.CreateSnapshot();

        db.Invoking(d => d.Get(d.GetColumnFamily("traces"), Bytes.Of("k"), snapshot)).Should().Throw<ArgumentException>();
        db.Invoking(d => d.NewIterator(d.GetColumnFamily("traces"), default, default, snapshot)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_disposed_snapshot_cannot_be_read_through()
    {
        using var db = _dir.Open("traces");
        var snapshot = db.CreateSnapshot();
        snapshot.Dispose();
        snapshot.Dispose();

        db.Invoking(d => d.Get(d.GetColumnFamily("traces"), Bytes.Of("k"), snapshot)).Should().Throw<ObjectDisposedException>();
    }
}
