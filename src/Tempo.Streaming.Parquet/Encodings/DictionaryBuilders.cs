using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// A column chunk's dictionary as the writer builds it: value → index (first-seen order), the size of its PLAIN
/// dictionary page (to fall back to PLAIN when it passes the limit), and the page body itself.
/// </summary>
public interface IDictionaryBuilder
{
    /// <summary>Distinct values so far; indices are 0..Count-1.</summary>
    int Count { get; }

    /// <summary>Bytes of the PLAIN dictionary page body for the values so far.</summary>
    long PlainEncodedSize { get; }

    /// <summary>Appends the PLAIN dictionary page body (values in index order).</summary>
    void WriteDictionaryPage(ByteBuffer output);

    /// <summary>Forgets every value, keeping the capacity, for the next column chunk.</summary>
    void Clear();
}

/// <summary>
/// Open-addressing hash table of 64-bit keys → dense indices, the core of the fixed-width dictionaries. Floating-point
/// values are keyed by bit pattern, so -0.0 and 0.0 (and NaN payloads) stay distinct and round-trip exactly.
/// </summary>
internal sealed class FixedWidthDictionary
{
    private int[] _slots = new int[64]; // index + 1; 0 = empty
    private long[] _values = new long[32];
    private int _count;

    public int Count => _count;

    public ReadOnlySpan<long> Values => _values.AsSpan(0, _count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(long key)
    {
        var mask = _slots.Length - 1;
        var slot = (int)(Mix((ulong)key) & (uint)mask);
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                return Add(key, slot);
            }

            if (_values[entry - 1] == key)
            {
                return entry - 1;
            }

            slot = (slot + 1) & mask;
        }
    }

    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    private int Add(long key, int slot)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count] = key;
        _slots[slot] = ++_count;
        if (_count * 2 > _slots.Length)
        {
            Grow();
        }

        return _count - 1;
    }

    private void Grow()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        for (var i = 0; i < _count; i++)
        {
            var slot = (int)(Mix((ulong)_values[i]) & (uint)mask);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = i + 1;
        }

        _slots = slots;
    }

    // splitmix64 finalizer: spreads sequential keys (span kinds, status codes, timestamps) over the table
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

/// <summary>INT32 dictionary.</summary>
public sealed class Int32DictionaryBuilder : IDictionaryBuilder
{
    private readonly FixedWidthDictionary _table = new();

    public int Count => _table.Count;
    public long PlainEncodedSize => 4L * _table.Count;

    public int GetOrAdd(int value) => _table.GetOrAdd(value);

    public int this[int index] => (int)_table.Values[index];

    public void WriteDictionaryPage(ByteBuffer output)
    {
        var values = _table.Values;
        var destination = output.Append(values.Length * 4);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(i * 4), (int)values[i]);
        }
    }

    public void Clear() => _table.Clear();
}

/// <summary>INT64 dictionary.</summary>
public sealed class Int64DictionaryBuilder : IDictionaryBuilder
{
    private readonly FixedWidthDictionary _table = new();

    public int Count => _table.Count;
    public long PlainEncodedSize => 8L * _table.Count;

    public int GetOrAdd(long value) => _table.GetOrAdd(value);

    public long this[int index] => _table.Values[index];

    public void WriteDictionaryPage(ByteBuffer output) => PlainEncoder.WriteInt64s(_table.Values, output);

    public void Clear() => _table.Clear();
}

/// <summary>FLOAT dictionary, keyed by bit pattern.</summary>
public sealed class FloatDictionaryBuilder : IDictionaryBuilder
{
    private readonly FixedWidthDictionary _table = new();

    public int Count => _table.Count;
    public long PlainEncodedSize => 4L * _table.Count;

    public int GetOrAdd(float value) => _table.GetOrAdd(BitConverter.SingleToInt32Bits(value));

    public float this[int index] => BitConverter.Int32BitsToSingle((int)_table.Values[index]);

    public void WriteDictionaryPage(ByteBuffer output)
    {
        var values = _table.Values;
        var destination = output.Append(values.Length * 4);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(i * 4), (int)values[i]);
        }
    }

    public void Clear() => _table.Clear();
}

/// <summary>DOUBLE dictionary, keyed by bit pattern.</summary>
public sealed class DoubleDictionaryBuilder : IDictionaryBuilder
{
    private readonly FixedWidthDictionary _table = new();

    public int Count => _table.Count;
    public long PlainEncodedSize => 8L * _table.Count;

    public int GetOrAdd(double value) => _table.GetOrAdd(BitConverter.DoubleToInt64Bits(value));

    public double this[int index] => BitConverter.Int64BitsToDouble(_table.Values[index]);

    public void WriteDictionaryPage(ByteBuffer output) => PlainEncoder.WriteInt64s(_table.Values, output);

    public void Clear() => _table.Clear();
}

/// <summary>
/// BYTE_ARRAY (or FIXED_LEN_BYTE_ARRAY) dictionary. Values are copied once into an arena; lookups hash the caller's
/// span and compare against the arena, so adding or finding a value allocates nothing.
/// </summary>
public sealed class ByteArrayDictionaryBuilder : IDictionaryBuilder
{
    private readonly int _fixedLength;
    private byte[] _arena = new byte[4096];
    private int _arenaLength;
    private int[] _offsets = new int[33]; // value i is _arena[_offsets[i].._offsets[i+1]]
    private uint[] _hashes = new uint[32];
    private int[] _slots = new int[64];   // index + 1; 0 = empty
    private int _count;

    /// <param name="fixedLength">The FIXED_LEN_BYTE_ARRAY width, or -1 for BYTE_ARRAY.</param>
    public ByteArrayDictionaryBuilder(int fixedLength = -1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fixedLength, -1);
        _fixedLength = fixedLength;
    }

    public int Count => _count;

    /// <summary>PLAIN size: a 4-byte length per BYTE_ARRAY value plus the bytes (FIXED_LEN_BYTE_ARRAY: just the bytes).</summary>
    public long PlainEncodedSize => _fixedLength >= 0 ? _arenaLength : _arenaLength + 4L * _count;

    public ReadOnlySpan<byte> this[int index] => _arena.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        if (_fixedLength >= 0 && value.Length != _fixedLength)
        {
            throw new ArgumentException($"a FIXED_LEN_BYTE_ARRAY({_fixedLength}) value has {value.Length} bytes", nameof(value));
        }

        var hash = Hash(value);
        var mask = _slots.Length - 1;
        var slot = (int)(hash & (uint)mask);
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                return Add(value, hash, slot);
            }

            var index = entry - 1;
            if (_hashes[index] == hash && this[index].SequenceEqual(value))
            {
                return index;
            }

            slot = (slot + 1) & mask;
        }
    }

    public void WriteDictionaryPage(ByteBuffer output)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_fixedLength < 0)
            {
                output.WriteInt32LittleEndian(_offsets[i + 1] - _offsets[i]);
            }

            output.Write(this[i]);
        }
    }

    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
        _arenaLength = 0;
    }

    private int Add(ReadOnlySpan<byte> value, uint hash, int slot)
    {
        if (value.Length > _arena.Length - _arenaLength)
        {
            var size = Math.Max((long)_arena.Length * 2, (long)_arenaLength + value.Length);
            if (size > Array.MaxLength)
            {
                throw new InvalidOperationException($"a dictionary cannot hold more than {Array.MaxLength} bytes");
            }

            Array.Resize(ref _arena, (int)size);
        }

        if (_count + 1 == _hashes.Length)
        {
            Array.Resize(ref _hashes, _hashes.Length * 2);
            Array.Resize(ref _offsets, _hashes.Length + 1);
        }

        value.CopyTo(_arena.AsSpan(_arenaLength));
        _offsets[_count] = _arenaLength;
        _arenaLength += value.Length;
        _offsets[_count + 1] = _arenaLength;
        _hashes[_count] = hash;
        _slots[slot] = ++_count;
        if (_count * 2 > _slots.Length)
        {
            Grow();
        }

        return _count - 1;
    }

    private void Grow()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        for (var i = 0; i < _count; i++)
        {
            var slot = (int)(_hashes[i] & (uint)mask);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = i + 1;
        }

        _slots = slots;
    }

    // 8 bytes at a time through a multiply-rotate, then the splitmix64 finalizer; quality is ample for a hash table
    private static uint Hash(ReadOnlySpan<byte> value)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)value.Length;
        var i = 0;
        for (; i + 8 <= value.Length; i += 8)
        {
            h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt64LittleEndian(value.Slice(i, 8)) * 0xC2B2AE3D27D4EB4FUL), 31) * 0x9E3779B97F4A7C15UL;
        }

        ulong tail = 0;
        for (var shift = 0; i < value.Length; i++, shift += 8)
        {
            tail |= (ulong)value[i] << shift;
        }

        h ^= tail * 0x165667B19E3779F9UL;
        return (uint)FixedWidthDictionary.Mix(h);
    }
}
