using System.Text;
using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.Blocks.Tests.Backend;

/// <summary>
/// The <see cref="IObjectStore"/> contract, run against every backend (local folder, S3 via s3rver), so callers can
/// rely on identical behaviour whichever is configured.
/// </summary>
public abstract class ObjectStoreContractTests
{
    /// <summary>Part size the S3 store under test uses; streams above it take the multipart path.</summary>
    protected const int PartSize = S3BackendOptions.MinPartSizeBytes;

    /// <summary>Page size the S3 store under test lists with, small so paging is exercised.</summary>
    protected const int PageSize = 7;

    protected abstract IObjectStore Store { get; }

    [Fact]
    public async Task Puts_and_gets_bytes()
    {
        await Store.PutAsync("t/blk/meta.json", "{\"a\":1}"u8.ToArray());

        (await Store.GetAsync("t/blk/meta.json")).Should().Equal("{\"a\":1}"u8.ToArray());
        (await Store.GetSizeAsync("t/blk/meta.json")).Should().Be(7);
    }

    [Fact]
    public async Task Puts_an_empty_object()
    {
        await Store.PutAsync("t/empty", ReadOnlyMemory<byte>.Empty);

        (await Store.GetAsync("t/empty")).Should().BeEmpty();
        (await Store.GetSizeAsync("t/empty")).Should().Be(0);
    }

    [Fact]
    public async Task Streams_an_object_larger_than_a_part()
    {
        var content = Pattern(2 * PartSize + 123_457);

        await Store.PutAsync("t/blk/data.parquet", new MemoryStream(content));

        (await Store.GetSizeAsync("t/blk/data.parquet")).Should().Be(content.Length);
        (await Store.GetAsync("t/blk/data.parquet")).Should().Equal(content);
        // A range across the first part boundary.
        var range = new byte[1000];
        await Store.ReadRangeAsync("t/blk/data.parquet", PartSize - 500, range);
        range.Should().Equal(content.AsSpan(PartSize - 500, 1000).ToArray());
    }

    [Fact]
    public async Task Streams_a_small_object()
    {
        var content = Pattern(10_000);

        await Store.PutAsync("t/small", new MemoryStream(content));

        (await Store.GetAsync("t/small")).Should().Equal(content);
    }

    [Fact]
    public async Task Overwrites_an_object()
    {
        await Store.PutAsync("t/x", Pattern(5000));
        await Store.PutAsync("t/x", "new"u8.ToArray());

        (await Store.GetAsync("t/x")).Should().Equal("new"u8.ToArray());
        (await Store.GetSizeAsync("t/x")).Should().Be(3);
    }

    [Fact]
    public async Task Reads_ranges_at_the_start_middle_and_end()
    {
        var content = Pattern(100_000);
        await Store.PutAsync("t/r", content);

        foreach (var (offset, length) in new[] { (0L, 100), (40_000L, 12_345), (99_000L, 1000), (99_999L, 1) })
        {
            var buffer = new byte[length];
            await Store.ReadRangeAsync("t/r", offset, buffer);
            buffer.Should().Equal(content.AsSpan((int)offset, length).ToArray(), $"range {offset}+{length}");
        }

        await Store.ReadRangeAsync("t/r", 5, Memory<byte>.Empty);
    }

    [Fact]
    public async Task Reading_beyond_the_end_is_an_error()
    {
        await Store.PutAsync("t/r", Pattern(1000));

        var overlapping = () => Store.ReadRangeAsync("t/r", 900, new byte[200]);
        var past = () => Store.ReadRangeAsync("t/r", 5000, new byte[10]);

        (await overlapping.Should().ThrowAsync<BackendException>()).Which.Message.Should().Contain("beyond the end");
        (await past.Should().ThrowAsync<BackendException>()).Which.Message.Should().Contain("beyond the end");
    }

    [Fact]
    public async Task Missing_objects_are_ObjectNotFoundException_naming_the_key()
    {
        var get = () => Store.GetAsync("t/none/meta.json");
        var size = () => Store.GetSizeAsync("t/none/meta.json");
        var range = () => Store.ReadRangeAsync("t/none/meta.json", 0, new byte[4]);

        (await get.Should().ThrowAsync<ObjectNotFoundException>()).Which.Message.Should().Contain("'t/none/meta.json'");
        (await size.Should().ThrowAsync<ObjectNotFoundException>()).Which.Message.Should().Contain("'t/none/meta.json'");
        (await range.Should().ThrowAsync<ObjectNotFoundException>()).Which.Message.Should().Contain("'t/none/meta.json'");
    }

    [Fact]
    public async Task Lists_keys_under_a_prefix_recursively_in_key_order()
    {
        foreach (var key in new[] { "b/5", "a/2", "a/b/3", "ab/4", "a/1" })
        {
            await Store.PutAsync(key, Encoding.UTF8.GetBytes(key));
        }

        (await ListAsync("")).Should().Equal("a/1", "a/2", "a/b/3", "ab/4", "b/5");
        (await ListAsync("a/")).Should().Equal("a/1", "a/2", "a/b/3");
        (await ListAsync("a")).Should().Equal("a/1", "a/2", "a/b/3", "ab/4");
        (await ListAsync("a/b/")).Should().Equal("a/b/3");
        (await ListAsync("c/")).Should().BeEmpty();
    }

    [Fact]
    public async Task Lists_more_keys_than_a_page()
    {
        var keys = new List<string>();
        for (var i = 0; i < 3 * PageSize + 2; i++)
        {
            keys.Add($"tenant/block-{i:D3}/meta.json");
        }

        foreach (var key in keys)
        {
            await Store.PutAsync(key, "{}"u8.ToArray());
        }

        (await ListAsync("tenant/")).Should().Equal(keys);
    }

    [Fact]
    public async Task Lists_immediate_folders()
    {
        // Every folder also holds an object directly: s3rver 3.7.1 reports a common prefix only for folders with an
        // object at the first level below the listed prefix (its walk skips deeper folders), unlike S3 and MinIO.
        foreach (var key in new[] { "t1/b1/meta.json", "t1/b2/data.parquet", "t1/index.json.gz", "t2/index.json.gz", "t2/b3/meta.json", "top" })
        {
            await Store.PutAsync(key, "x"u8.ToArray());
        }

        (await FoldersAsync("")).Should().Equal("t1", "t2");
        (await FoldersAsync("t1/")).Should().Equal("b1", "b2");
        (await FoldersAsync("t9/")).Should().BeEmpty();
    }

    [Fact]
    public async Task Deletes_objects_and_tolerates_missing_ones()
    {
        await Store.PutAsync("t/b1/meta.json", "x"u8.ToArray());
        await Store.PutAsync("t/b2/meta.json", "x"u8.ToArray());

        await Store.DeleteAsync("t/b1/meta.json");
        await Store.DeleteAsync("t/b1/meta.json");
        await Store.DeleteAsync("never/was");

        (await ListAsync("")).Should().Equal("t/b2/meta.json");
        (await FoldersAsync("t/")).Should().Equal("b2");
        var get = () => Store.GetAsync("t/b1/meta.json");
        await get.Should().ThrowAsync<ObjectNotFoundException>();
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/absolute")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("a/")]
    public async Task Rejects_invalid_keys(string key)
    {
        var put = () => Store.PutAsync(key, "x"u8.ToArray());
        var get = () => Store.GetAsync(key);

        await put.Should().ThrowAsync<ArgumentException>().WithMessage("*invalid object key*");
        await get.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Folder_listing_needs_a_folder_prefix()
    {
        var act = async () => await FoldersAsync("t1");

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*end with '/'*");
    }

    protected async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Store.ListAsync(prefix))
        {
            keys.Add(key);
        }

        return keys;
    }

    protected async Task<List<string>> FoldersAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var name in Store.ListFoldersAsync(prefix))
        {
            names.Add(name);
        }

        return names;
    }

    protected static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
