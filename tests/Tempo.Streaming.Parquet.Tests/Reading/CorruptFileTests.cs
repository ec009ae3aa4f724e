using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Format;
using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Reading;

/// <summary>Damaged files fail with <see cref="ParquetFormatException"/> naming the problem, never with a crash.</summary>
public sealed class CorruptFileTests
{
    private static readonly ParquetSchema Schema1 = Schema.Message("m",
        Schema.Primitive("n", Repetition.Required, PhysicalType.Int64),
        Schema.String("s", Repetition.Optional));

    private static byte[] GoodFile(CompressionCodec codec = CompressionCodec.Snappy) => ParquetFiles.Write(Schema1,
        new ParquetWriterOptions { Compression = codec, DataPageSize = 1024 }, writer =>
        {
            var group = writer.CreateRowGroup();
            for (var i = 0; i < 2000; i++)
            {
                group.Column(0).WriteInt64(i);
                if (i % 5 == 0) group.Column(1).WriteNull(0);
                else group.Column(1).WriteString("value " + (i % 50));
            }
            group.Complete();
        });

    private static async Task ReadEverythingAsync(byte[] file)
    {
        var reader = await ParquetFiles.OpenAsync(file);
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var records = await RecordReader.OpenAsync(reader, g);
            while (records.ReadRow() is not null) { }
        }
    }

    [Fact]
    public async Task Bad_magic_at_either_end()
    {
        var tail = GoodFile();
        tail[^1] = (byte)'X';
        (await FluentActions.Awaiting(() => ParquetFiles.OpenAsync(tail)).Should().ThrowAsync<ParquetFormatException>())
            .WithMessage("not a Parquet file: the last 4 bytes*");

        var head = GoodFile();
        head[0] = (byte)'Q';
        (await FluentActions.Awaiting(() => ParquetFiles.OpenAsync(head)).Should().ThrowAsync<ParquetFormatException>())
            .WithMessage("not a Parquet file: the first 4 bytes*");
    }

    [Fact]
    public async Task Too_short_and_truncated_files()
    {
        (await FluentActions.Awaiting(() => ParquetFiles.OpenAsync("PAR1PAR1"u8.ToArray())).Should().ThrowAsync<ParquetFormatException>())
            .WithMessage("*too short*");

        var file = GoodFile();
        var truncated = file[..(file.Length / 2)];
        await FluentActions.Awaiting(() => ParquetFiles.OpenAsync(truncated)).Should().ThrowAsync<ParquetFormatException>();

        // the tail kept, the middle cut out: the footer points past the data
        var spliced = file[..100].Concat(file[^(file.Length / 3)..]).ToArray();
        (await FluentActions.Awaiting(() => ReadEverythingAsync(spliced)).Should().ThrowAsync<ParquetFormatException>())
            .Which.Message.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Footer_length_out_of_range()
    {
        var file = GoodFile();
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(file.Length - 8), file.Length);
        (await FluentActions.Awaiting(() => ParquetFiles.OpenAsync(file)).Should().ThrowAsync<ParquetFormatException>())
            .WithMessage("footer length * is out of range*");
    }

    [Fact]
    public async Task Flipped_footer_bytes_never_crash()
    {
        var good = GoodFile();
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(good.Length - 8));
        var footerStart = good.Length - 8 - footerLength;
        var random = new Random(5);
        for (var trial = 0; trial < 300; trial++)
        {
            var file = (byte[])good.Clone();
            var at = footerStart + random.Next(footerLength);
            file[at] ^= (byte)(1 << random.Next(8));
            try
            {
                await ReadEverythingAsync(file);
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    [Fact]
    public async Task Flipped_page_bytes_never_crash()
    {
        var good = GoodFile(CompressionCodec.Uncompressed);
        var random = new Random(9);
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(good.Length - 8));
        for (var trial = 0; trial < 300; trial++)
        {
            var file = (byte[])good.Clone();
            var at = 4 + random.Next(good.Length - 12 - footerLength);
            file[at] ^= (byte)(1 << random.Next(8));
            try
            {
                await ReadEverythingAsync(file);
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    [Fact]
    public async Task Unknown_codec_is_named_with_the_column()
    {
        var good = GoodFile();
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(good.Length - 8));
        var metadata = FileMetaData.Deserialize(good.AsSpan(good.Length - 8 - footerLength, footerLength));
        metadata.RowGroups[0].Columns[1].MetaData!.Codec = CompressionCodec.Lzo;
        var footer = metadata.Serialize();
        var file = good[..(good.Length - 8 - footerLength)].Concat(footer).Concat(new byte[4]).Concat("PAR1"u8.ToArray()).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(file.Length - 8), footer.Length);

        var reader = await ParquetFiles.OpenAsync(file);
        reader.RowGroups[0].Columns[1].Codec.Should().Be(CompressionCodec.Lzo);
        (await FluentActions.Awaiting(() => ReadEverythingAsync(file)).Should().ThrowAsync<ParquetFormatException>())
            .WithMessage("*column 's'*LZO*");
    }

    [Fact]
    public async Task A_page_size_beyond_the_chunk_is_reported_with_its_offset()
    {
        var good = GoodFile(CompressionCodec.Uncompressed);
        var reader = await ParquetFiles.OpenAsync(good);
        var offset = reader.RowGroups[0].Columns[0].Offset;
        var header = PageHeader.Read(good.AsSpan((int)offset), out var headerLength);
        header.CompressedPageSize = 1 << 30;
        header.UncompressedPageSize = 1 << 30;
        var buffer = new Tempo.Streaming.Parquet.Encodings.ByteBuffer();
        header.Serialize(buffer);
        var patched = buffer.ToArray();
        var file = good[..(int)offset].Concat(patched).Concat(good[((int)offset + headerLength)..]).ToArray();
        // the header grew by a few bytes; the footer still points at the chunk start, which is all this test needs

        var act = async () =>
        {
            var r = await ParquetFiles.OpenAsync(file);
            var chunk = await r.ReadColumnChunkAsync(0, 0);
            chunk.ReadBatch(new ColumnBatch(16));
        };
        (await act.Should().ThrowAsync<ParquetFormatException>()).WithMessage($"column 'n' in row group 0, page at offset {offset}:*");
    }
}
