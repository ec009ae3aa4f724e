using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.Blocks.Tests.Backend;

public sealed class LocalObjectStoreTests : ObjectStoreContractTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tempo-local-store-" + Guid.NewGuid().ToString("N"));
    private readonly LocalObjectStore _store;

    public LocalObjectStoreTests()
    {
        _store = new LocalObjectStore(_root);
    }

    protected override IObjectStore Store => _store;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_reader_during_puts_sees_the_old_or_the_new_object_never_a_part()
    {
        // Two versions of different sizes, each filled with one byte value: any torn read shows as a mixed or short buffer.
        var versionA = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
        var versionB = Enumerable.Repeat((byte)'b', 3 << 19).ToArray();
        await _store.PutAsync("t/blk/data.parquet", versionA);

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await _store.PutAsync("t/blk/data.parquet", i % 2 == 0 ? versionB : versionA);
            }
        });

        var reads = 0;
        var readsDuringPuts = 0;
        while (!writer.IsCompleted || reads < 10)
        {
            var overlapped = !writer.IsCompleted;
            var content = await _store.GetAsync("t/blk/data.parquet");
            var expected = content.Length == versionA.Length ? (byte)'a' : (byte)'b';
            content.Length.Should().BeOneOf(versionA.Length, versionB.Length);
            content.AsSpan().IndexOfAnyExcept(expected).Should().Be(-1, "a read must never see a partly written object");
            reads++;
            if (overlapped && !writer.IsCompleted)
            {
                readsDuringPuts++;
            }
        }

        await writer;
        // 60 fsync'd puts of a megabyte take far longer than one read, so reads do overlap them; the count only
        // guards against a run where they did not (the writer finishing before the first read would prove nothing).
        readsDuringPuts.Should().BeGreaterThan(0, "some reads must run while puts are replacing the object");
    }

    [Fact]
    public async Task Writes_files_at_the_key_paths_and_leaves_no_temporary_files()
    {
        await _store.PutAsync("single-tenant/b1/meta.json", "{}"u8.ToArray());
        await _store.PutAsync("single-tenant/b1/data.parquet", new MemoryStream(Pattern(3000)));

        File.ReadAllBytes(Path.Combine(_root, "single-tenant", "b1", "meta.json")).Should().Equal("{}"u8.ToArray());
        Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().BeEquivalentTo("meta.json", "data.parquet");
    }

    [Fact]
    public async Task A_failed_stream_put_leaves_the_old_object_and_no_temporary_file()
    {
        await _store.PutAsync("t/x", "old"u8.ToArray());

        var act = () => _store.PutAsync("t/x", new FailingStream());

        (await act.Should().ThrowAsync<BackendException>()).WithInnerException<IOException>().WithMessage("the source failed mid-stream");
        (await _store.GetAsync("t/x")).Should().Equal("old"u8.ToArray());
        Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Should().ContainSingle();
    }

    [Fact]
    public async Task Deleting_the_last_object_removes_the_empty_folders_but_not_the_root()
    {
        await _store.PutAsync("t/b1/meta.json", "x"u8.ToArray());

        await _store.DeleteAsync("t/b1/meta.json");

        Directory.Exists(Path.Combine(_root, "t")).Should().BeFalse();
        Directory.Exists(_root).Should().BeTrue();
    }

    [Fact]
    public async Task In_progress_puts_are_not_listed()
    {
        Directory.CreateDirectory(Path.Combine(_root, "t", "b1"));
        File.WriteAllText(Path.Combine(_root, "t", "b1", ObjectKeys.TempPrefix + "abc"), "partial");

        (await ListAsync("")).Should().BeEmpty();
        (await FoldersAsync("")).Should().BeEmpty();
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_reads++ > 0)
            {
                throw new IOException("the source failed mid-stream");
            }

            buffer.AsSpan(offset, Math.Min(count, 100)).Fill((byte)'n');
            return Math.Min(count, 100);
        }
    }
}
