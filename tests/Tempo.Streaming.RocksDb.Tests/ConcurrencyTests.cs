using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Tempo.Streaming.RocksDb.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private const int KeysPerColumnFamily = 32;
    private const int Batches = 1500;
    private const int Readers = 3;

    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// One writer commits batches; batch n sets every key of two column families to n. Readers running at the same time
    /// must only ever see one batch number across all keys of a consistent read (snapshot or iterator): never a mix.
    /// </summary>
    [Fact]
    public void Readers_see_whole_batches_only_while_a_writer_commits()
    {
        // A small write buffer forces memtable switches and flushes while readers run.
        using var db = _dir.Open(new RocksDbOptions { WriteBufferBytes = 256 * 1024 }, "a", "b");
        var a = db.GetColumnFamily("a");
        var b = db.GetColumnFamily("b");
        var failures = new ConcurrentQueue<string>();
        var writerDone = 0;
        var reads = new long[Readers];
        var distinctSeen = new ConcurrentDictionary<long, byte>();
        using var start = new Barrier(Readers + 1);

        var writer = new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                using var batch = new RocksWriteBatch();
                var key = new byte[8];
                var value = new byte[sizeof(long) + 200];
                for (long n = 1; n <= Batches; n++)
                {
                    batch.Clear();
                    BinaryPrimitives.WriteInt64BigEndian(value, n);
                    for (var k = 0; k < KeysPerColumnFamily; k++)
                    {
                        BinaryPrimitives.WriteInt64BigEndian(key, k);
                        batch.Put(a, key, value);
                        batch.Put(b, key, value);
                    }

                    db.Write(batch);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue("writer: " + e);
            }
            finally
            {
                Volatile.Write(ref writerDone, 1);
            }
        });

        var readers = new Thread[Readers];
        for (var r = 0; r < Readers; r++)
        {
            var readerIndex = r;
            readers[r] = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    var round = 0;
                    // One more round after the writer finished so the final state is read too.
                    var finalRound = false;
                    while (!finalRound)
                    {
                        finalRound = Volatile.Read(ref writerDone) == 1;
                        var seen = (round++ % 3) switch
                        {
                            0 => ReadBothThroughSnapshotGets(db, a, b),
                            1 => ReadBothThroughSnapshotIterators(db, a, b),
                            _ => ReadThroughImplicitSnapshotIterator(db, a),
                        };
                        if (seen.Error is not null)
                        {
                            failures.Enqueue($"reader {readerIndex}: {seen.Error}");
                            return;
                        }

                        distinctSeen.TryAdd(seen.Batch, 0);
                        reads[readerIndex]++;
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue($"reader {readerIndex}: {e}");
                }
            });
        }

        writer.Start();
        foreach (var t in readers)
        {
            t.Start();
        }

        writer.Join();
        foreach (var t in readers)
        {
            t.Join();
        }

        failures.Should().BeEmpty();
        reads.Should().OnlyContain(n => n > 0);
        distinctSeen.Keys.Should().Contain(Batches, "every reader's last round runs after the last batch was written");
    }

    private readonly record struct Observation(long Batch, string? Error);

    private static Observation ReadBothThroughSnapshotGets(RocksDatabase db, ColumnFamily a, ColumnFamily b)
    {
        using var snapshot = db.CreateSnapshot();
        var key = new byte[8];
        long? expected = null;
        foreach (var cf in new[] { a, b })
        {
            for (var k = 0; k < KeysPerColumnFamily; k++)
            {
                BinaryPrimitives.WriteInt64BigEndian(key, k);
                var value = db.Get(cf, key, snapshot);
                var batch = value is null ? 0 : BinaryPrimitives.ReadInt64BigEndian(value);
                expected ??= batch;
                if (batch != expected)
                {
                    return new Observation(0, $"snapshot get saw batch {batch} at {cf.Name}/{k} but {expected} before");
                }
            }
        }

        return new Observation(expected!.Value, null);
    }

    private static Observation ReadBothThroughSnapshotIterators(RocksDatabase db, ColumnFamily a, ColumnFamily b)
    {
        using var snapshot = db.CreateSnapshot();
        var first = ScanOne(db, a, snapshot);
        var second = ScanOne(db, b, snapshot);
        if (first.Error is not null)
        {
            return first;
        }

        if (second.Error is not null)
        {
            return second;
        }

        return first.Batch == second.Batch
            ? first
            : new Observation(0, $"snapshot iterators saw batch {first.Batch} in a and {second.Batch} in b");
    }

    private static Observation ReadThroughImplicitSnapshotIterator(RocksDatabase db, ColumnFamily a) => ScanOne(db, a, null);

    private static Observation ScanOne(RocksDatabase db, ColumnFamily cf, RocksSnapshot? snapshot)
    {
        using var it = db.NewIterator(cf, default, default, snapshot);
        long? expected = null;
        var count = 0;
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            var batch = BinaryPrimitives.ReadInt64BigEndian(it.Value);
            expected ??= batch;
            count++;
            if (batch != expected)
            {
                return new Observation(0, $"iterator over {cf.Name} saw batch {batch} after {expected}");
            }
        }

        it.ThrowIfFailed();
        if (count != 0 && count != KeysPerColumnFamily)
        {
            return new Observation(0, $"iterator over {cf.Name} saw {count} keys, expected 0 or {KeysPerColumnFamily}");
        }

        return new Observation(expected ?? 0, null);
    }
}
