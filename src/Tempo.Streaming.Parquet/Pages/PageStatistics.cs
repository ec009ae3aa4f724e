using System.Buffers.Binary;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Min and max of one page's values in PLAIN encoding, computed in one typed pass at page flush (not per write), and
/// merged into the chunk's. Byte-array bounds longer than <see cref="MaxBoundLength"/> are kept for the page index
/// in truncated form (a prefix is a valid lower bound; a prefix with its last byte incremented a valid upper bound —
/// the ColumnIndex allows bounds that are not values), but dropped from Statistics, whose min_value/max_value we
/// always write exact.
/// </summary>
internal sealed class PageStatistics
{
    /// <summary>parquet-mr's default column-index truncation length.</summary>
    public const int MaxBoundLength = 64;

    public long NullCount;
    public byte[]? Min;
    public byte[]? Max;

    /// <summary>Whether Min/Max are the exact values (false when a byte-array bound was truncated).</summary>
    public bool Exact = true;

    public bool HasMinMax => Min is not null;

    public void Reset()
    {
        NullCount = 0;
        Min = null;
        Max = null;
        Exact = true;
    }

    public void ComputeBooleans(ReadOnlySpan<bool> values)
    {
        if (values.IsEmpty) return;
        var anyFalse = values.Contains(false);
        var anyTrue = values.Contains(true);
        Min = [anyFalse ? (byte)0 : (byte)1];
        Max = [anyTrue ? (byte)1 : (byte)0];
    }

    public void ComputeInt32s(ReadOnlySpan<int> values, bool unsigned)
    {
        if (values.IsEmpty) return;
        int min, max;
        if (unsigned)
        {
            uint umin = uint.MaxValue, umax = 0;
            foreach (var v in values)
            {
                var u = (uint)v;
                if (u < umin) umin = u;
                if (u > umax) umax = u;
            }
            min = (int)umin;
            max = (int)umax;
        }
        else
        {
            min = int.MaxValue;
            max = int.MinValue;
            foreach (var v in values)
            {
                if (v < min) min = v;
                if (v > max) max = v;
            }
        }
        Min = new byte[4];
        Max = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(Min, min);
        BinaryPrimitives.WriteInt32LittleEndian(Max, max);
    }

    public void ComputeInt64s(ReadOnlySpan<long> values, bool unsigned)
    {
        if (values.IsEmpty) return;
        long min, max;
        if (unsigned)
        {
            ulong umin = ulong.MaxValue, umax = 0;
            foreach (var v in values)
            {
                var u = (ulong)v;
                if (u < umin) umin = u;
                if (u > umax) umax = u;
            }
            min = (long)umin;
            max = (long)umax;
        }
        else
        {
            min = long.MaxValue;
            max = long.MinValue;
            foreach (var v in values)
            {
                if (v < min) min = v;
                if (v > max) max = v;
            }
        }
        Min = new byte[8];
        Max = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(Min, min);
        BinaryPrimitives.WriteInt64LittleEndian(Max, max);
    }

    /// <summary>NaN is skipped (parquet-format: "NaNs should not be written to min or max statistics fields"); a zero
    /// minimum is written as -0 and a zero maximum as +0 so either sign of zero in the data is inside the bounds.</summary>
    public void ComputeFloats(ReadOnlySpan<float> values)
    {
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        var any = false;
        foreach (var v in values)
        {
            if (float.IsNaN(v)) continue;
            any = true;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (!any) return;
        if (min == 0) min = -0.0f;
        if (max == 0) max = 0.0f;
        Min = new byte[4];
        Max = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(Min, min);
        BinaryPrimitives.WriteSingleLittleEndian(Max, max);
    }

    /// <inheritdoc cref="ComputeFloats"/>
    public void ComputeDoubles(ReadOnlySpan<double> values)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var any = false;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) continue;
            any = true;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (!any) return;
        if (min == 0) min = -0.0;
        if (max == 0) max = 0.0;
        Min = new byte[8];
        Max = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(Min, min);
        BinaryPrimitives.WriteDoubleLittleEndian(Max, max);
    }

    /// <summary>Values are <c>data[offsets[i]..offsets[i+1]]</c> for i in [0, count).</summary>
    public void ComputeByteArrays(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, int count)
    {
        if (count == 0) return;
        var min = data[offsets[0]..offsets[1]];
        var max = min;
        for (var i = 1; i < count; i++)
        {
            var value = data[offsets[i]..offsets[i + 1]];
            // Runs of the same value are common (a dictionary column); skip the compares for them.
            if (offsets[i + 1] - offsets[i] == min.Length && value.SequenceEqual(min)) continue;
            if (value.SequenceCompareTo(min) < 0)
            {
                min = value;
            }
            else if (value.SequenceCompareTo(max) > 0)
            {
                max = value;
            }
        }
        SetByteBounds(min, max);
    }

    /// <summary>
    /// Byte-array bounds of a dictionary-encoded page from its distinct entries: each entry is compared once instead of
    /// once per value (attribute keys and values repeat in nearly every span). Same bounds as
    /// <see cref="ComputeByteArrays"/> over the values, since min and max depend only on the set of values.
    /// </summary>
    /// <param name="seen">One stamp per dictionary entry (at least <see cref="ColumnDictionary.Count"/>); an entry whose
    /// stamp equals <paramref name="stamp"/> was already compared on this page. A fresh stamp per page resets it.</param>
    public void ComputeDictionaryByteArrays(ColumnDictionary dictionary, ReadOnlySpan<int> indices, Span<int> seen, int stamp)
    {
        if (indices.Length == 0) return;
        var minIndex = indices[0];
        var maxIndex = minIndex;
        seen[minIndex] = stamp;
        var min = dictionary.BytesAt(minIndex);
        var max = min;
        for (var i = 1; i < indices.Length; i++)
        {
            var index = indices[i];
            if (seen[index] == stamp) continue;
            seen[index] = stamp;
            var value = dictionary.BytesAt(index);
            if (value.SequenceCompareTo(min) < 0)
            {
                min = value;
            }
            else if (value.SequenceCompareTo(max) > 0)
            {
                max = value;
            }
        }
        SetByteBounds(min, max);
    }

    private void SetByteBounds(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max)
    {
        if (min.Length > MaxBoundLength)
        {
            min = min[..MaxBoundLength];
            Exact = false;
        }
        Min = min.ToArray();
        Max = max.Length > MaxBoundLength ? TruncateUpper(max) : max.ToArray();
    }

    /// <summary>The shortest prefix of at most <see cref="MaxBoundLength"/> bytes, last byte incremented, that is
    /// still ≥ <paramref name="max"/>; the value itself when every byte of the prefix is 0xFF.</summary>
    private byte[] TruncateUpper(ReadOnlySpan<byte> max)
    {
        for (var end = MaxBoundLength; end > 0; end--)
        {
            if (max[end - 1] == 0xFF) continue;
            var bound = max[..end].ToArray();
            bound[end - 1]++;
            Exact = false;
            return bound;
        }
        return max.ToArray();
    }

    /// <summary>Widens <paramref name="chunk"/>'s bounds and null count with this page's.</summary>
    public void MergeInto(PageStatistics chunk, PhysicalType type, bool unsigned)
    {
        chunk.NullCount += NullCount;
        if (Min is null) return;
        if (!Exact) chunk.Exact = false;
        if (chunk.Min is null || StatisticsOrder.Compare(type, unsigned, Min, chunk.Min) < 0) chunk.Min = Min;
        if (chunk.Max is null || StatisticsOrder.Compare(type, unsigned, Max!, chunk.Max) > 0) chunk.Max = Max;
    }
}
