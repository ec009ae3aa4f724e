using System.IO.Compression;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>
/// GZIP: RFC 1952 members (Parquet Compression.md). Decompression accepts several concatenated members, which some
/// writers produce and the spec requires readers to accept; the BCL's GZipStream reads them in sequence.
/// </summary>
internal sealed class GzipCodec : ICompressionCodec
{
    private readonly ZLibCompressionOptions _options;

    public GzipCodec(int? level)
    {
        if (level is < 0 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "gzip levels are 0..9");
        }

        _options = new ZLibCompressionOptions { CompressionLevel = level ?? 6 };
    }

    public CompressionCodec Codec => CompressionCodec.Gzip;

    // An empty member (fixed-Huffman final block with no symbols, CRC32 0, size 0): the BCL writes nothing at all
    // when no bytes go through the stream, and readers expect a valid member.
    private static ReadOnlySpan<byte> EmptyMember =>
        [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    public void Compress(ReadOnlySpan<byte> source, ByteBuffer destination)
    {
        if (source.IsEmpty)
        {
            destination.Write(EmptyMember);
            return;
        }

        using var gzip = new GZipStream(new ByteBufferStream(destination), _options, leaveOpen: false);
        gzip.Write(source);
    }

    public unsafe void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.IsEmpty)
        {
            throw new ParquetFormatException($"GZIP data is corrupt: an empty page body cannot hold a gzip member ({destination.Length} bytes expected)");
        }

        fixed (byte* input = source)
        {
            using var stream = new UnmanagedMemoryStream(input, source.Length);
            using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            var produced = 0;
            try
            {
                while (produced < destination.Length)
                {
                    var n = gzip.Read(destination[produced..]);
                    if (n == 0)
                    {
                        break;
                    }

                    produced += n;
                }

                if (produced < destination.Length)
                {
                    CompressionCodecs.SizeMismatch(Codec, produced, destination.Length);
                }

                Span<byte> probe = stackalloc byte[1];
                if (gzip.Read(probe) != 0)
                {
                    CompressionCodecs.SizeMismatch(Codec, produced + 1, destination.Length);
                }
            }
            catch (InvalidDataException e)
            {
                throw new ParquetFormatException($"GZIP data is corrupt: {e.Message}", e);
            }
        }
    }
}
