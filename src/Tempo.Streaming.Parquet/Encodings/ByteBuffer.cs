using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// A growable byte buffer that encoders append to. The page writer keeps one per column and calls <see cref="Clear"/>
/// between pages, so steady-state encoding allocates nothing. Bytes written so far are <see cref="WrittenSpan"/>.
/// </summary>
public sealed class ByteBuffer : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _length;

    // A pooled buffer rents its arrays from ArrayPool<byte>.Shared and gives outgrown ones back: the column writers'
    // buffers reach megabytes per block, and fresh arrays of that size cost a page fault per 4 KiB (the kernel zeroes
    // every page) on each block write. Only owners that never hand the array out use it (see ReturnToPool).
    private readonly bool _pooled;

    public ByteBuffer(int initialCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = initialCapacity == 0 ? [] : new byte[initialCapacity];
    }

    /// <summary>A buffer whose arrays come from <see cref="ArrayPool{T}.Shared"/>; its owner calls <see cref="ReturnToPool"/>.</summary>
    internal ByteBuffer(int initialCapacity, bool pooled)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _pooled = pooled;
        _buffer = initialCapacity == 0 ? [] : pooled ? ArrayPool<byte>.Shared.Rent(initialCapacity) : new byte[initialCapacity];
    }

    /// <summary>
    /// Gives a pooled buffer's array back to the pool and empties the buffer (it grows again if written). Spans and
    /// memories taken from the buffer must no longer be used.
    /// </summary>
    internal void ReturnToPool()
    {
        if (!_pooled) return;
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    public int Capacity => _buffer.Length;

    public Span<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>The backing array (valid bytes are <c>[0, Length)</c>); it changes when the buffer grows.</summary>
    public byte[] GetBuffer() => _buffer;

    /// <summary>Forgets the contents but keeps the capacity.</summary>
    public void Clear() => _length = 0;

    /// <summary>Shortens the written bytes to <paramref name="length"/> (at most <see cref="Length"/>).</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Advance(int count)
    {
        // one unsigned compare covers a negative count too; the message is built off the hot path
        if ((uint)count > (uint)(_buffer.Length - _length)) ThrowBadAdvance(count);
        _length += count;
    }

    [DoesNotReturn]
    private void ThrowBadAdvance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        throw new InvalidOperationException($"cannot advance {count} bytes past the end of a {_buffer.Length}-byte buffer at {_length}");
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint <= 0 ? 1 : sizeHint);
        return _buffer.AsSpan(_length);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint <= 0 ? 1 : sizeHint);
        return _buffer.AsMemory(_length);
    }

    /// <summary>Reserves <paramref name="count"/> bytes at the end and returns them (contents undefined).</summary>
    public Span<byte> Append(int count)
    {
        EnsureFree(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        EnsureFree(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteByte(byte value)
    {
        if (_length == _buffer.Length)
        {
            EnsureFree(1);
        }

        _buffer[_length++] = value;
    }

    public void WriteInt32LittleEndian(int value) => BinaryPrimitives.WriteInt32LittleEndian(Append(4), value);

    public void WriteInt64LittleEndian(long value) => BinaryPrimitives.WriteInt64LittleEndian(Append(8), value);

    /// <summary>Overwrites 4 bytes at <paramref name="position"/> (e.g. a length prefix reserved earlier).</summary>
    public void WriteInt32LittleEndianAt(int position, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, _length - 4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(position, 4), value);
    }

    /// <summary>Unsigned LEB128 varint (the RLE hybrid run headers, DELTA_BINARY_PACKED header fields).</summary>
    public void WriteUleb128(ulong value)
    {
        var span = GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _length += i;
    }

    /// <summary>Zigzag then ULEB128 (DELTA_BINARY_PACKED's first value and min deltas).</summary>
    public void WriteZigZagLeb128(long value) => WriteUleb128((ulong)((value << 1) ^ (value >> 63)));

    // The check is inlined into every append (encoders call GetSpan/Append per value or run); growing is not.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureFree(int count)
    {
        if (count > _buffer.Length - _length) Grow(count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        var required = (long)_length + count;
        if (required > Array.MaxLength)
        {
            throw new InvalidOperationException($"a buffer cannot grow to {required} bytes (limit {Array.MaxLength})");
        }

        var newSize = (int)Math.Min(Math.Max(Math.Max((long)_buffer.Length * 2, 256), required), Array.MaxLength);
        var grown = _pooled ? ArrayPool<byte>.Shared.Rent(newSize) : new byte[newSize];
        _buffer.AsSpan(0, _length).CopyTo(grown);
        if (_pooled && _buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
