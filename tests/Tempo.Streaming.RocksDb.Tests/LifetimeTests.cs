namespace Tempo.Streaming.RocksDb.Tests;

public sealed class LifetimeTests : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Disposing_the_database_while_iterating_is_safe_and_the_close_waits_for_the_iterator()
    {
        var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        for (var i = 0; i < 100; i++)
        {
            db.Put(cf, Bytes.Of($"k{i:D3}"), Bytes.Of($"v{i:D3}"));
        }

        db.Flush();
        var snapshot = db.CreateSnapshot();
        var it = db.NewIterator(cf, default, default, snapshot);
        it.SeekToFirst();
        Bytes.Text(it.Key).Should().Be("k000");

        db.Dispose();
        snapshot.Dispose();

        // The iterator (and through it the column family and the database) is still alive.
        var count = 0;
        for (; it.Valid; it.Next())
        {
            Bytes.Text(it.Value).Should().Be("v" + Bytes.Text(it.Key)[1..]);
            count++;
        }

        it.ThrowIfFailed();
        count.Should().Be(100);

        // The database is still open natively until the iterator goes: RocksDB's lock is held.
        FluentActions.Invoking(() => _dir.Open("traces")).Should().Throw<RocksDbException>().Which.Message.Should().Contain("LOCK");

        it.Dispose();

        // Now the native close ran: the lock is free again and the data is intact.
        using var reopened = _dir.Open("traces");
        Bytes.Text(reopened.Get(reopened.GetColumnFamily("traces"), Bytes.Of("k099"))).Should().Be("v099");
    }

    [Fact]
    public void A_snapshot_outliving_the_database_keeps_it_open_until_released()
    {
        var db = _dir.Open("traces");
        var snapshot = db.CreateSnapshot();
        db.Dispose();

        FluentActions.Invoking(() => _dir.Open("traces")).Should().Throw<RocksDbException>();

        snapshot.Dispose();
        using var reopened = _dir.Open("traces");
        reopened.ColumnFamilyNames.Should().Contain("traces");
    }

    [Fact]
    public void Every_call_after_Dispose_throws_ObjectDisposedException()
    {
        var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        db.Put(cf, Bytes.Of("k"), Bytes.Of("v"));
        using var batch = new RocksWriteBatch();

        db.Dispose();
        db.Dispose(); // idempotent

        db.Invoking(d => d.Get(cf, Bytes.Of("k"))).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.TryGet(cf, Bytes.Of("k"), 0, static (_, _) => { })).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.Put(cf, Bytes.Of("k"), Bytes.Of("v"))).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.Delete(cf, Bytes.Of("k"))).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.Write(batch)).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.NewIterator(cf, default, default)).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.CreateSnapshot()).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.Flush()).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.CompactRange(cf, default, default)).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.GetProperty(cf, "rocksdb.estimate-num-keys")).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.GetColumnFamily("traces")).Should().Throw<ObjectDisposedException>();
        batch.Invoking(b => b.Put(cf, Bytes.Of("k"), Bytes.Of("v"))).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Disposed_iterators_and_batches_throw_ObjectDisposedException()
    {
        using var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        var it = db.NewIterator(cf, default, default);
        it.Dispose();
        it.Dispose();
        var batch = new RocksWriteBatch();
        batch.Dispose();
        batch.Dispose();

        it.Invoking(i => i.SeekToFirst()).Should().Throw<ObjectDisposedException>();
        it.Invoking(i => i.Valid).Should().Throw<ObjectDisposedException>();
        batch.Invoking(b => b.Put(cf, Bytes.Of("k"), Bytes.Of("v"))).Should().Throw<ObjectDisposedException>();
        batch.Invoking(b => b.Count).Should().Throw<ObjectDisposedException>();
        db.Invoking(d => d.Write(batch)).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Dispose_racing_with_readers_either_completes_reads_or_throws_ObjectDisposedException()
    {
        var db = _dir.Open("traces");
        var cf = db.GetColumnFamily("traces");
        db.Put(cf, Bytes.Of("k"), Bytes.Of("v"));
        var unexpected = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var readersRunning = new CountdownEvent(4);
        var readers = new Thread[4];
        for (var r = 0; r < readers.Length; r++)
        {
            readers[r] = new Thread(() =>
            {
                readersRunning.Signal();
                try
                {
                    while (true)
                    {
                        Bytes.Text(db.Get(cf, Bytes.Of("k"))).Should().Be("v");
                        using var it = db.NewIterator(cf, default, default);
                        it.SeekToFirst();
                        Bytes.Text(it.Key).Should().Be("k");
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (Exception e)
                {
                    unexpected.Enqueue(e);
                }
            });
            readers[r].Start();
        }

        readersRunning.Wait();
        db.Dispose();
        foreach (var t in readers)
        {
            t.Join();
        }

        unexpected.Should().BeEmpty();
    }
}
