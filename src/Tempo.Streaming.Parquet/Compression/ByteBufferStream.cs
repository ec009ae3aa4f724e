using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>A write-only stream that appends to a <see cref="ByteBuffer"/>, for the BCL's stream-based gzip encoder.</summary>
internal sealed class ByteBufferStream(ByteBuffer buffer) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => buffer.Length;

    public override long Position
    {
        get => buffer.Length;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> source) => buffer.Write(source);

    public override void Write(byte[] source, int offset, int count) => buffer.Write(source.AsSpan(offset, count));

    public override void WriteByte(byte value) => buffer.WriteByte(value);

    public override void Flush() { }

    public override int Read(byte[] destination, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
