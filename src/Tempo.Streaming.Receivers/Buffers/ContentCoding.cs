using System.Buffers.Binary;
using System.IO.Compression;

namespace Tempo.Streaming.Receivers.Buffers;

/// <summary>Compressions a client may apply to a payload (HTTP <c>Content-Encoding</c>, gRPC <c>grpc-encoding</c>).</summary>
public enum ContentCoding
{
    Identity,
    Gzip,

    /// <summary>
    /// HTTP's and gRPC's "deflate" is the zlib format (RFC 1950), not raw deflate (RFC 9110 §8.4.1.2; grpc-go's and
    /// the OTel collector's decoders read it with zlib).
    /// </summary>
    Deflate,
}

/// <summary>The request's compressed size or its decompressed size is over the receiver's limit.</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);

/// <summary>Decompresses request payloads with a bound on the output, so a small "zip bomb" cannot exhaust memory.</summary>
public static class PayloadDecompressor
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Maps an encoding token (case-insensitive, as HTTP content codings are) to a coding; false when unsupported.</summary>
    public static bool TryParseCoding(string? token, out ContentCoding coding)
    {
        var value = token.AsSpan().Trim();
        if (value.IsEmpty || value.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            coding = ContentCoding.Identity;
            return true;
        }

        if (value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || value.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
        {
            coding = ContentCoding.Gzip;
            return true;
        }

        if (value.Equals("deflate", StringComparison.OrdinalIgnoreCase))
        {
            coding = ContentCoding.Deflate;
            return true;
        }

        coding = default;
        return false;
    }

    /// <summary>Decompresses <paramref name="compressed"/> into a new pooled buffer of at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="PayloadTooLargeException">the output would exceed <paramref name="maxBytes"/>.</exception>
    /// <exception cref="InvalidDataException">the input is not valid gzip/zlib data.</exception>
    public static PooledByteBuffer Decompress(ReadOnlyMemory<byte> compressed, ContentCoding coding, long maxBytes)
    {
        if (coding == ContentCoding.Identity)
        {
            throw new ArgumentException("Identity payloads need no decompression.", nameof(coding));
        }

        // A compressed payload usually expands 3-10x; start at 4x and let the buffer grow.
        var initial = (int)Math.Min(maxBytes + 1, Math.Min((long)compressed.Length * 4 + ChunkBytes, 1 << 24));
        var output = new PooledByteBuffer(initial);
        try
        {
            using var input = new ReadOnlyMemoryStream(compressed);
            using Stream decoder = coding == ContentCoding.Gzip
                ? new GZipStream(input, CompressionMode.Decompress)
                : new ZLibStream(input, CompressionMode.Decompress);
            while (true)
            {
                var read = decoder.Read(output.GetSpan(ChunkBytes));
                if (read == 0)
                {
                    VerifyTrailer(compressed.Span, coding, output.WrittenSpan);
                    return output;
                }

                output.Advance(read);
                if (output.WrittenCount > maxBytes)
                {
                    throw new PayloadTooLargeException(
                        $"decompressed request body is larger than the limit of {maxBytes} bytes");
                }
            }
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>
    /// .NET's GZipStream and ZLibStream end silently, with partial output, when the input is cut short (verified on
    /// .NET 10: half a gzip body decodes to a quarter of the data and no error), and a truncated protobuf can still
    /// parse. So the trailer is checked here: gzip's ISIZE (RFC 1952 §2.3.1, the decoded length mod 2^32) and zlib's
    /// Adler-32 of the decoded data (RFC 1950 §2.2). Corruption inside the stream is already reported by the decoder.
    /// For a multi-member gzip body only the last member's ISIZE is present, so such bodies are refused; no OTLP
    /// exporter writes them.
    /// </summary>
    private static void VerifyTrailer(ReadOnlySpan<byte> compressed, ContentCoding coding, ReadOnlySpan<byte> decoded)
    {
        if (coding == ContentCoding.Gzip)
        {
            const int MinimumGzipBytes = 10 + 8;
            if (compressed.Length < MinimumGzipBytes
                || BinaryPrimitives.ReadUInt32LittleEndian(compressed[^4..]) != unchecked((uint)decoded.Length))
            {
                throw new InvalidDataException(
                    $"the gzip data is truncated or corrupt ({compressed.Length} compressed bytes decoded to {decoded.Length} bytes, " +
                    "which does not match the length recorded in the gzip trailer)");
            }

            return;
        }

        const int MinimumZlibBytes = 2 + 4;
        if (compressed.Length < MinimumZlibBytes
            || BinaryPrimitives.ReadUInt32BigEndian(compressed[^4..]) != Adler32(decoded))
        {
            throw new InvalidDataException("the deflate (zlib) data is truncated or corrupt (its Adler-32 checksum does not match)");
        }
    }

    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        // RFC 1950 §8.2; sums are reduced every 5552 bytes, the most that cannot overflow 32 bits.
        const uint Modulus = 65521;
        const int MaxRun = 5552;
        uint a = 1;
        uint b = 0;
        while (!data.IsEmpty)
        {
            var run = data[..Math.Min(MaxRun, data.Length)];
            foreach (var value in run)
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[run.Length..];
        }

        return (b << 16) | a;
    }

    /// <summary>A seekless read-only stream over memory, so pooled arrays can be decompressed without copying.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
