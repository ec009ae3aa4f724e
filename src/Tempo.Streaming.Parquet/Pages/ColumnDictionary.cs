using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// The value → index map of one dictionary-encoded column chunk (Encodings.md "Dictionary Encoding"): open
/// addressing over the entries' indexes, numbers keyed by their 64-bit pattern (so -0.0 and +0.0, and NaN payloads,
/// stay distinct values as PLAIN would write them), byte arrays stored back to back in one arena. Nothing is
/// allocated per value. <see cref="PlainSize"/> is the size of the dictionary page body, for the fallback limit.
/// </summary>
internal sealed class ColumnDictionary
{
    private readonly PhysicalType _type;
    private readonly int _fixedLength;
    private int[] _slots = RentCleared(1024); // entry index + 1; 0 = empty; a power of two (pool sizes are)
    private int _mask = 1023;
    private long[] _numbers = [];
    private byte[] _bytes = [];
    private int[] _offsets = [];
    private int[] _hashes = [];

    public ColumnDictionary(PhysicalType type, int fixedLength)
    {
        _type = type;
        _fixedLength = fixedLength;
        if (IsBytes) _hashes = ArrayPool<int>.Shared.Rent(256);
        else _numbers = ArrayPool<long>.Shared.Rent(256);
        if (IsBytes)
        {
            _offsets = ArrayPool<int>.Shared.Rent(257);
            _offsets[0] = 0; // a rented array is not cleared
        }
    }

    /// <summary>
    /// Gives the tables back to <see cref="ArrayPool{T}.Shared"/> when the file is written (the next file's dictionaries
    /// rent them instead of faulting in fresh memory); the dictionary must not be used afterwards.
    /// </summary>
    public void ReturnBuffers()
    {
        Return(ref _slots);
        Return(ref _numbers);
        Return(ref _bytes);
        Return(ref _offsets);
        Return(ref _hashes);
    }

    private static void Return<T>(ref T[] array)
    {
        if (array.Length > 0) ArrayPool<T>.Shared.Return(array);
        array = [];
    }

    private static T[] Regrow<T>(T[] array, int size)
    {
        var grown = ArrayPool<T>.Shared.Rent(size);
        array.CopyTo(grown, 0);
        if (array.Length > 0) ArrayPool<T>.Shared.Return(array);
        return grown;
    }

    private static int[] RentCleared(int size)
    {
        var slots = ArrayPool<int>.Shared.Rent(size);
        Array.Clear(slots);
        return slots;
    }

    public int Count { get; private set; }

    /// <summary>Bytes of the PLAIN-encoded dictionary page body.</summary>
    public long PlainSize { get; private set; }

    private bool IsBytes => _type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray;

    public void Clear()
    {
        Array.Clear(_slots);
        Count = 0;
        PlainSize = 0;
        if (IsBytes) _offsets[0] = 0;
    }

    /// <summary>Index of a number given as its bit pattern (INT32, FLOAT widened bit-exactly to 64 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int AddNumber(long bits)
    {
        var slot = (int)(Mix((ulong)bits) & (uint)_mask);
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0) return InsertNumber(slot, bits);
            if (_numbers[entry - 1] == bits) return entry - 1;
            slot = (slot + 1) & _mask;
        }
    }

    public int AddBytes(ReadOnlySpan<byte> value)
    {
        var hash = HashBytes(value);
        var slot = hash & _mask;
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0) return InsertBytes(slot, hash, value);
            var index = entry - 1;
            if (_hashes[index] == hash && value.SequenceEqual(_bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]))) return index;
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>The first <paramref name="count"/> entries as a PLAIN dictionary page body.</summary>
    public void WritePlain(int count, ByteBuffer output)
    {
        switch (_type)
        {
            case PhysicalType.Int32:
                var ints = output.Append(count * 4);
                for (var i = 0; i < count; i++) BinaryPrimitives.WriteInt32LittleEndian(ints[(i * 4)..], (int)_numbers[i]);
                break;
            case PhysicalType.Float:
                var floats = output.Append(count * 4);
                for (var i = 0; i < count; i++) BinaryPrimitives.WriteInt32LittleEndian(floats[(i * 4)..], (int)_numbers[i]);
                break;
            case PhysicalType.Int64:
            case PhysicalType.Double:
                PlainEncoder.WriteInt64s(_numbers.AsSpan(0, count), output);
                break;
            case PhysicalType.FixedLenByteArray:
                output.Write(_bytes.AsSpan(0, _offsets[count]));
                break;
            default:
                PlainEncoder.WriteByteArrays(_bytes, _offsets.AsSpan(0, count + 1), output);
                break;
        }
    }

    /// <summary>PLAIN size of the first <paramref name="count"/> entries.</summary>
    public long PlainSizeOf(int count) => _type switch
    {
        PhysicalType.Int32 or PhysicalType.Float => count * 4L,
        PhysicalType.Int64 or PhysicalType.Double => count * 8L,
        PhysicalType.FixedLenByteArray => _offsets[count],
        _ => _offsets[count] + 4L * count,
    };

    /// <summary>The bytes of byte-array entry <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> BytesAt(int index) => _bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

    /// <summary>Entry <paramref name="index"/> for the reader-side view of a written dictionary (tests).</summary>
    internal long NumberAt(int index) => _numbers[index];

    private int InsertNumber(int slot, long bits)
    {
        var index = Count;
        if (index == _numbers.Length) _numbers = Regrow(_numbers, _numbers.Length * 2);
        _numbers[index] = bits;
        _slots[slot] = index + 1;
        Count = index + 1;
        PlainSize += _type is PhysicalType.Int32 or PhysicalType.Float ? 4 : 8;
        if (Count * 2 > _slots.Length) Rehash();
        return index;
    }

    private int InsertBytes(int slot, int hash, ReadOnlySpan<byte> value)
    {
        var index = Count;
        if (index + 1 == _offsets.Length) _offsets = Regrow(_offsets, _offsets.Length * 2);
        if (index == _hashes.Length) _hashes = Regrow(_hashes, _hashes.Length * 2);
        var start = _offsets[index];
        if (start + value.Length > _bytes.Length) _bytes = Regrow(_bytes, Math.Max(start + value.Length, Math.Max(4096, _bytes.Length * 2)));
        value.CopyTo(_bytes.AsSpan(start));
        _offsets[index + 1] = start + value.Length;
        _hashes[index] = hash;
        _slots[slot] = index + 1;
        Count = index + 1;
        PlainSize += _type == PhysicalType.FixedLenByteArray ? _fixedLength : 4 + value.Length;
        if (Count * 2 > _slots.Length) Rehash();
        return index;
    }

    private void Rehash()
    {
        var slots = RentCleared(_slots.Length * 2);
        var mask = slots.Length - 1;
        for (var index = 0; index < Count; index++)
        {
            var slot = (IsBytes ? _hashes[index] : (int)Mix((ulong)_numbers[index])) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = index + 1;
        }
        ArrayPool<int>.Shared.Return(_slots);
        _slots = slots;
        _mask = mask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(ulong bits)
    {
        // Fibonacci hashing: the high bits of the product spread sequential IDs and timestamps evenly.
        return (uint)((bits * 0x9E3779B97F4A7C15UL) >> 32);
    }

    private static int HashBytes(ReadOnlySpan<byte> value)
    {
        ulong hash = 0xCBF29CE484222325UL ^ (ulong)value.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(value);
        foreach (var word in words) hash = BitOperations.RotateLeft((hash ^ word) * 0x9E3779B97F4A7C15UL, 31);
        for (var i = words.Length * 8; i < value.Length; i++) hash = (hash ^ value[i]) * 0x100000001B3UL;
        return (int)((hash ^ (hash >> 29)) * 0xBF58476D1CE4E5B9UL >> 33);
    }
}
