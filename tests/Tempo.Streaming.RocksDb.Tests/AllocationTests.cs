namespace Tempo.Streaming.RocksDb.Tests;

/// <summary>
/// The hot paths the live store runs per span (point reads into a callback, puts, batch appends, iterator moves) must
/// not allocate managed memory: counted with the per-thread allocation counter, which is exact and timing-free.
/// </summary>
public sealed class AllocationTests : IDisposable
{
    private const int Calls = 1000;

    private readonly TempDatabaseDirectory _dir = new();
    private readonly RocksDatabase _db;
    private readonly ColumnFamily _cf;
    private readonly byte[] _key = Bytes.Of("trace:0001:00000");
    private readonly byte[] _value = new byte[256];

    public AllocationTests()
    {
        _db = _dir.Open("traces");
        _cf = _db.GetColumnFamily("traces");
        for (var i = 0; i < 100; i++)
        {
            _db.Put(_cf, Bytes.Of($"trace:0001:{i:D5}"), _value);
        }
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void TryGet_with_a_static_callback_allocates_nothing()
    {
        var sum = new long[1];
        using var snapshot = _db.CreateSnapshot();

        var allocated = Measure(() =>
        {
            _db.TryGet(_cf, _key, sum, static (value, s) => s[0] += value.Length);
            _db.TryGet(_cf, _key, sum, static (value, s) => s[0] += value.Length, snapshot);
        });

        allocated.Should().Be(0);
        sum[0].Should().Be(2L * _value.Length * (Calls + 1));
    }

    [Fact]
    public void Put_Delete_and_batch_appends_allocate_nothing()
    {
        using var batch = new RocksWriteBatch();

        var allocated = Measure(() =>
        {
            _db.Put(_cf, _key, _value);
            _db.Delete(_cf, "absent"u8);
            batch.Clear();
            batch.Put(_cf, _key, _value);
            batch.Delete(_cf, "absent"u8);
            _db.Write(batch);
        });

        allocated.Should().Be(0);
    }

    [Fact]
    public void Moving_an_iterator_and_reading_entries_allocates_nothing()
    {
        using var it = _db.NewIterator(_cf, "trace:0001:"u8, "trace:0001;"u8);
        var entries = 0L;

        var allocated = Measure(() =>
        {
            for (it.SeekToFirst(); it.Valid; it.Next())
            {
                entries += it.Key.Length + it.Value.Length > 0 ? 1 : 0;
            }
        });

        allocated.Should().Be(0);
        entries.Should().Be(100L * (Calls + 1));
    }

    /// <summary>Runs <paramref name="action"/> once to warm up (JIT, lazy statics), then counts bytes over <see cref="Calls"/> runs.</summary>
    private static long Measure(Action action)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
