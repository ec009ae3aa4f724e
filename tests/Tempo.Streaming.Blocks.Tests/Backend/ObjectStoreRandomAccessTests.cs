using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.Blocks.Tests.Backend;

public sealed class ObjectStoreRandomAccessTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tempo-ra-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Reads_ranges_of_the_object_and_rejects_reads_past_its_length()
    {
        var store = new LocalObjectStore(_root);
        var content = new byte[5000];
        new Random(3).NextBytes(content);
        await store.PutAsync("t/b/data.parquet", content);
        var source = new ObjectStoreRandomAccess(store, "t/b/data.parquet", content.Length);

        var tail = new byte[8];
        await source.ReadAsync(content.Length - 8, tail);
        var past = async () => await source.ReadAsync(4999, new byte[2]);

        source.Length.Should().Be(5000);
        tail.Should().Equal(content[^8..]);
        await past.Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*beyond the end of 't/b/data.parquet'*");
    }
}
