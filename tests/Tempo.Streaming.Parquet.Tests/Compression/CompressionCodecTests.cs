using System.Diagnostics;
using Tempo.Streaming.Parquet.Compression;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Compression;

public class CompressionCodecTests
{
    public static TheoryData<CompressionCodec> Codecs() =>
    [
        CompressionCodec.Uncompressed, CompressionCodec.Snappy, CompressionCodec.Gzip, CompressionCodec.Zstd,
        CompressionCodec.Brotli, CompressionCodec.Lz4Raw,
    ];

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Round_trips_empty_tiny_random_and_repetitive_pages(CompressionCodec codecId)
    {
        var codec = CompressionCodecs.Get(codecId);
        codec.Codec.Should().Be(codecId);
        foreach (var page in SamplePages())
        {
            var compressed = new ByteBuffer();
            compressed.Write(new byte[] { 1, 2, 3 }); // compression appends after what is there
            codec.Compress(page, compressed);
            var body = compressed.WrittenSpan[3..];

            var restored = new byte[page.Length];
            codec.Decompress(body, restored);
            restored.Should().Equal(page, $"{codecId} on {page.Length} bytes");
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void A_wrong_uncompressed_size_and_corrupt_bytes_are_format_errors(CompressionCodec codecId)
    {
        var codec = CompressionCodecs.Get(codecId);
        var page = Repetitive(10_000, new Random(1));
        var compressed = new ByteBuffer();
        codec.Compress(page, compressed);
        var body = compressed.ToArray();

        var tooSmall = () => codec.Decompress(body, new byte[page.Length - 1]);
        tooSmall.Should().Throw<ParquetFormatException>();
        var tooLarge = () => codec.Decompress(body, new byte[page.Length + 1]);
        tooLarge.Should().Throw<ParquetFormatException>();

        if (codecId == CompressionCodec.Uncompressed)
        {
            return;
        }

        var truncated = () => codec.Decompress(body.AsSpan(0, body.Length / 2), new byte[page.Length]);
        truncated.Should().Throw<ParquetFormatException>();

        var random = new Random(17);
        var destination = new byte[page.Length];
        for (var trial = 0; trial < 300; trial++)
        {
            var corrupt = (byte[])body.Clone();
            for (var k = 0; k < 4; k++)
            {
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            }

            try
            {
                codec.Decompress(corrupt, destination);
            }
            catch (ParquetFormatException)
            {
                // the only acceptable failure; a corruption that still decodes (e.g. inside a literal) is fine too
            }
        }
    }

    [Fact]
    public void Snappy_decodes_a_hand_built_block_with_an_overlapping_copy()
    {
        // preamble 11, literal "abc" (tag (3-1)<<2), copy of 8 bytes from 3 back (tag ((8-4)<<2)|1, offset 3)
        var block = new byte[] { 0x0B, 0x08, (byte)'a', (byte)'b', (byte)'c', 0x11, 0x03 };
        var output = new byte[11];
        CompressionCodecs.Get(CompressionCodec.Snappy).Decompress(block, output);
        System.Text.Encoding.ASCII.GetString(output).Should().Be("abcabcabcab");

        var badOffset = new byte[] { 0x0B, 0x08, (byte)'a', (byte)'b', (byte)'c', 0x11, 0x09 };
        var act = () => CompressionCodecs.Get(CompressionCodec.Snappy).Decompress(badOffset, new byte[11]);
        act.Should().Throw<ParquetFormatException>().WithMessage("*copy reaches*");
    }

    [RequiresFact("libsnappy")]
    public void Snappy_agrees_with_libsnappy_both_ways()
    {
        var codec = CompressionCodecs.Get(CompressionCodec.Snappy);
        foreach (var page in SamplePages())
        {
            var fromLib = NativeSnappy.Compress(page);
            var restored = new byte[page.Length];
            codec.Decompress(fromLib, restored);
            restored.Should().Equal(page);

            var ours = new ByteBuffer();
            codec.Compress(page, ours);
            NativeSnappy.Uncompress(ours.ToArray()).Should().Equal(page);
        }
    }

    [RequiresFact("zstd-cli")]
    public void Zstd_agrees_with_the_zstd_command_both_ways()
    {
        var codec = CompressionCodecs.Get(CompressionCodec.Zstd, level: 5);
        var page = Repetitive(200_000, new Random(8));
        var directory = Directory.CreateTempSubdirectory("parquet-zstd-");
        try
        {
            var plain = Path.Combine(directory.FullName, "page.bin");
            File.WriteAllBytes(plain, page);
            RunZstd($"-q -f -3 \"{plain}\" -o \"{plain}.zst\"");
            var restored = new byte[page.Length];
            codec.Decompress(File.ReadAllBytes(plain + ".zst"), restored);
            restored.Should().Equal(page);

            var ours = new ByteBuffer();
            codec.Compress(page, ours);
            File.WriteAllBytes(plain + ".ours.zst", ours.ToArray());
            RunZstd($"-q -f -d \"{plain}.ours.zst\" -o \"{plain}.back\"");
            File.ReadAllBytes(plain + ".back").Should().Equal(page);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Zstd_reads_two_concatenated_frames()
    {
        var codec = CompressionCodecs.Get(CompressionCodec.Zstd);
        var page = Repetitive(50_000, new Random(4));
        var output = new ByteBuffer();
        codec.Compress(page.AsSpan(0, 20_000), output);
        codec.Compress(page.AsSpan(20_000), output);
        var restored = new byte[page.Length];
        codec.Decompress(output.WrittenSpan, restored);
        restored.Should().Equal(page);
    }

    [Fact]
    public void Gzip_reads_concatenated_members()
    {
        var codec = CompressionCodecs.Get(CompressionCodec.Gzip, level: 9);
        var page = Repetitive(70_000, new Random(5));
        var output = new ByteBuffer();
        codec.Compress(page.AsSpan(0, 30_000), output);
        codec.Compress(page.AsSpan(30_000, 1), output);
        codec.Compress(page.AsSpan(30_001), output);
        var restored = new byte[page.Length];
        codec.Decompress(output.WrittenSpan, restored);
        restored.Should().Equal(page);
    }

    [Fact]
    public void Codecs_run_on_many_threads_at_once()
    {
        var page = Repetitive(100_000, new Random(6));
        Parallel.For(0, 64, i =>
        {
            var codec = CompressionCodecs.Get(i % 2 == 0 ? CompressionCodec.Zstd : CompressionCodec.Snappy);
            var output = new ByteBuffer();
            codec.Compress(page, output);
            var restored = new byte[page.Length];
            codec.Decompress(output.WrittenSpan, restored);
            restored.AsSpan().SequenceEqual(page).Should().BeTrue();
        });
    }

    [Fact]
    public void Unsupported_codecs_name_the_codec_and_the_column()
    {
        var act = () => CompressionCodecs.Get(CompressionCodec.Lzo, "rs.list.element.Resource.Attrs");
        act.Should().Throw<ParquetFormatException>()
            .WithMessage("column rs.list.element.Resource.Attrs uses codec LZO, which this reader does not support");

        act = () => CompressionCodecs.Get((CompressionCodec)42);
        act.Should().Throw<ParquetFormatException>().WithMessage("*#42*");

        CompressionCodecs.IsSupported(CompressionCodec.Lz4).Should().BeFalse();
        CompressionCodecs.IsSupported(CompressionCodec.Zstd).Should().BeTrue();
    }

    [Fact]
    public void Levels_outside_a_codecs_range_are_rejected()
    {
        var act = () => CompressionCodecs.Get(CompressionCodec.Zstd, level: 23);
        act.Should().Throw<ArgumentOutOfRangeException>();
        act = () => CompressionCodecs.Get(CompressionCodec.Gzip, level: 10);
        act.Should().Throw<ArgumentOutOfRangeException>();
        act = () => CompressionCodecs.Get(CompressionCodec.Brotli, level: 12);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static void RunZstd(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("zstd", arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, error);
    }

    private static IEnumerable<byte[]> SamplePages()
    {
        var random = new Random(2024);
        yield return [];
        yield return [42];
        var noise = new byte[5000];
        random.NextBytes(noise);
        yield return noise;
        yield return Repetitive(65_536, random);
        yield return Repetitive(1 << 20, random);
        yield return new byte[300_000]; // all zeros: long overlapping copies
    }

    /// <summary>Span-attribute-like bytes: a few hundred distinct tokens repeated with noise.</summary>
    private static byte[] Repetitive(int length, Random random)
    {
        var tokens = new byte[300][];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = System.Text.Encoding.UTF8.GetBytes($"service.name=checkout-{i % 17} http.status_code={200 + i % 5} ");
        }

        var page = new byte[length];
        var position = 0;
        while (position < length)
        {
            var token = tokens[random.Next(tokens.Length)];
            var n = Math.Min(token.Length, length - position);
            token.AsSpan(0, n).CopyTo(page.AsSpan(position));
            position += n;
            if (position < length && random.Next(4) == 0)
            {
                page[position++] = (byte)random.Next(256);
            }
        }

        return page;
    }
}
