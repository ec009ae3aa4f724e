namespace Tempo.Streaming.RocksDb.Tests;

public sealed class IteratorTests : IDisposable
{
    // Keys around the "trace:0002:" prefix, including its neighbours on both sides, so a bound that leaks shows up.
    private static readonly string[] AllKeys =
    [
        "trace:0001:a", "trace:0001:z", "trace:0002", "trace:0002:a", "trace:0002:b", "trace:0002:c", "trace:0002;", "trace:0003:a",
    ];

    private readonly TempDatabaseDirectory _dir = new();
    private readonly RocksDatabase _db;
    private readonly ColumnFamily _cf;

    public IteratorTests()
    {
        _db = _dir.Open("traces");
        _cf = _db.GetColumnFamily("traces");
        foreach (var key in AllKeys)
        {
            _db.Put(_cf, Bytes.Of(key), Bytes.Of("v:" + key));
        }
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Unbounded_iterator_walks_every_key_in_order_both_ways()
    {
        using var it = _db.NewIterator(_cf, default, default);

        Forward(it).Should().Equal(AllKeys);
        Backward(it).Should().Equal(AllKeys.Reverse());
    }

    [Fact]
    public void Prefix_scan_with_upper_bound_yields_exactly_the_prefix()
    {
        // Upper bound = prefix with its last byte incremented (':' + 1 = ';'), exclusive.
        using var it = _db.NewIterator(_cf, Bytes.Of("trace:0002:"), Bytes.Of("trace:0002;"));

        Forward(it).Should().Equal("trace:0002:a", "trace:0002:b", "trace:0002:c");
        Backward(it).Should().Equal("trace:0002:c", "trace:0002:b", "trace:0002:a");
    }

    [Fact]
    public void Seeks_outside_the_bounds_are_clamped_to_them()
    {
        using var it = _db.NewIterator(_cf, Bytes.Of("trace:0002:"), Bytes.Of("trace:0002;"));

        it.Seek(Bytes.Of("trace:0001"));                          // below the lower bound
        Bytes.Text(it.Key).Should().Be("trace:0002:a");
        it.Prev();
        it.Valid.Should().BeFalse("Prev must not step below the lower bound to trace:0002");

        it.SeekForPrev(Bytes.Of("trace:0009"));                   // above the upper bound
        Bytes.Text(it.Key).Should().Be("trace:0002:c");
        it.Next();
        it.Valid.Should().BeFalse("Next must not reach the upper bound key trace:0002; or beyond");

        it.Seek(Bytes.Of("trace:0002;"));                         // at the (exclusive) upper bound
        it.Valid.Should().BeFalse();
        it.ThrowIfFailed();
    }

    [Fact]
    public void Seek_and_SeekForPrev_land_on_the_nearest_key_in_their_direction()
    {
        using var it = _db.NewIterator(_cf, default, default);

        it.Seek(Bytes.Of("trace:0002:bb"));
        Bytes.Text(it.Key).Should().Be("trace:0002:c");
        Bytes.Text(it.Value).Should().Be("v:trace:0002:c");

        it.SeekForPrev(Bytes.Of("trace:0002:bb"));
        Bytes.Text(it.Key).Should().Be("trace:0002:b");
        it.Prev();
        Bytes.Text(it.Key).Should().Be("trace:0002:a");

        it.SeekForPrev(Bytes.Of("trace:0002:b"));                 // exact match
        Bytes.Text(it.Key).Should().Be("trace:0002:b");

        it.Seek(Bytes.Of("zzz"));
        it.Valid.Should().BeFalse();
        it.SeekForPrev(Bytes.Of("a"));
        it.Valid.Should().BeFalse();
    }

    [Fact]
    public void Lower_bound_only_and_upper_bound_only()
    {
        using (var it = _db.NewIterator(_cf, Bytes.Of("trace:0002;"), default))
        {
            Forward(it).Should().Equal("trace:0002;", "trace:0003:a");
            Backward(it).Should().Equal("trace:0003:a", "trace:0002;");
        }

        using (var it = _db.NewIterator(_cf, default, Bytes.Of("trace:0002")))
        {
            Forward(it).Should().Equal("trace:0001:a", "trace:0001:z");
            Backward(it).Should().Equal("trace:0001:z", "trace:0001:a");
        }
    }

    [Fact]
    public void Bounds_hold_over_sst_files_too()
    {
        _db.Flush();
        _db.Put(_cf, Bytes.Of("trace:0002:d"), Bytes.Of("v:trace:0002:d")); // in the memtable, the rest in an SST

        using var it = _db.NewIterator(_cf, Bytes.Of("trace:0002:"), Bytes.Of("trace:0002;"));

        Forward(it).Should().Equal("trace:0002:a", "trace:0002:b", "trace:0002:c", "trace:0002:d");
    }

    [Fact]
    public void Iterator_reads_the_state_when_it_was_created()
    {
        using var it = _db.NewIterator(_cf, Bytes.Of("trace:0002:"), Bytes.Of("trace:0002;"));
        _db.Put(_cf, Bytes.Of("trace:0002:zz"), Bytes.Of("later"));
        _db.Delete(_cf, Bytes.Of("trace:0002:a"));

        Forward(it).Should().Equal("trace:0002:a", "trace:0002:b", "trace:0002:c");
    }

    [Fact]
    public void Reading_before_positioning_is_an_InvalidOperationException()
    {
        using var it = _db.NewIterator(_cf, default, default);

        it.Valid.Should().BeFalse();
        it.Invoking(i => i.Key.ToArray()).Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("Valid");
        it.Invoking(i => i.Next()).Should().Throw<InvalidOperationException>();
    }

    private static List<string> Forward(RocksIterator it)
    {
        var keys = new List<string>();
        for (it.SeekToFirst(); it.Valid; it.Next())
        {
            keys.Add(Bytes.Text(it.Key));
            Bytes.Text(it.Value).Should().Be("v:" + keys[^1]);
        }

        it.ThrowIfFailed();
        return keys;
    }

    private static List<string> Backward(RocksIterator it)
    {
        var keys = new List<string>();
        for (it.SeekToLast(); it.Valid; it.Prev())
        {
            keys.Add(Bytes.Text(it.Key));
        }

        it.ThrowIfFailed();
        return keys;
    }
}
