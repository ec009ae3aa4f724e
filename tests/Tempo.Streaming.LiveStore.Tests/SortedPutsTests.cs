using System.Text;
using Tempo.Streaming.LiveStore.Consumption;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Tests;

public sealed class SortedPutsTests : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory("sorted-puts-").FullName;

    [Fact]
    public void Puts_every_key_once_with_its_last_value_whatever_the_arrival_order()
    {
        using var db = LiveStoreDatabase.Open(_path, blockCacheBytes: 8 << 20, memtableBudgetBytes: 0);
        var puts = new SortedPuts();
        var random = new Random(7);
        var expected = new Dictionary<string, string>();
        for (var i = 0; i < 5000; i++)
        {
            // 1000 distinct keys of varying length (a prefix of another key sorts first), most put several times
            var key = $"k{random.Next(1000)}" + new string('x', random.Next(3));
            var value = $"v{i}";
            if (i % 2 == 0)
            {
                puts.Add(Bytes(key), Bytes(value));
            }
            else
            {
                puts.AddReferenced(Bytes(key), Bytes(value));
            }
            expected[key] = value;
        }

        using var batch = new RocksWriteBatch();
        puts.PutSorted(batch, db.Index);
        batch.Count.Should().Be(expected.Count, "a key put twice is put once, with its last value");
        puts.Count.Should().Be(0);
        db.Db.Write(batch);

        foreach (var (key, value) in expected)
        {
            Encoding.ASCII.GetString(db.Db.Get(db.Index, Bytes(key)) ?? []).Should().Be(value, $"key {key}");
        }
    }

    [Fact]
    public void A_cleared_set_puts_nothing()
    {
        using var db = LiveStoreDatabase.Open(_path, blockCacheBytes: 8 << 20, memtableBudgetBytes: 0);
        var puts = new SortedPuts();
        puts.Add(Bytes("a"), Bytes("1"));
        puts.Clear();
        puts.Add(Bytes("b"), Bytes("2"));

        using var batch = new RocksWriteBatch();
        puts.PutSorted(batch, db.Index);
        db.Db.Write(batch);

        db.Db.Get(db.Index, Bytes("a")).Should().BeNull();
        db.Db.Get(db.Index, Bytes("b")).Should().Equal(Bytes("2"));
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    public void Dispose() => Directory.Delete(_path, recursive: true);
}
