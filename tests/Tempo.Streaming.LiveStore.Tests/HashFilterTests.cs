using Tempo.Streaming.LiveStore.Indexing;

namespace Tempo.Streaming.LiveStore.Tests;

public sealed class HashFilterTests
{
    [Fact]
    public void Reports_each_hash_new_once_until_cleared_through_growth()
    {
        var filter = new HashFilter();
        var random = new Random(3);
        var hashes = Enumerable.Range(0, 20_000).Select(_ => (ulong)random.NextInt64() << 1).Distinct().ToList();
        // Hashes that share their top bits probe past each other.
        hashes.AddRange([0xFFFF_FF00_0000_0000UL, 0xFFFF_FF00_0000_0002UL, 0xFFFF_FF00_0000_0004UL]);

        hashes.Should().OnlyContain(hash => filter.Add(hash), "every hash is new the first time");
        hashes.Should().OnlyContain(hash => !filter.Add(hash), "and known the second time, also after the table grew");

        filter.Clear();
        hashes.Take(100).Should().OnlyContain(hash => filter.Add(hash), "a cleared filter knows nothing");
        filter.Add(hashes[0]).Should().BeFalse();
    }
}
