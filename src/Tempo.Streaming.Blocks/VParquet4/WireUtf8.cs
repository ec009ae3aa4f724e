using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// <see cref="Utf8.IsValid"/> for the short strings of spans (attribute keys and values, names): ASCII, the common
/// case, is recognised inline, eight bytes at a time, and only the rest goes to the full validator. The row writer
/// checks every string of a cut this way, and the call into the general validator cost about 5% of a cut.
/// </summary>
internal static class WireUtf8
{
    private const int InlineLimit = 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValid(ReadOnlySpan<byte> value) =>
        (value.Length <= InlineLimit && IsAscii(value)) || Utf8.IsValid(value);

    private static bool IsAscii(ReadOnlySpan<byte> value)
    {
        ref var start = ref MemoryMarshal.GetReference(value);
        var length = (nuint)value.Length;
        nuint i = 0;
        ulong bits = 0;
        for (; i + 8 <= length; i += 8)
        {
            bits |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
        }
        for (; i < length; i++)
        {
            bits |= Unsafe.Add(ref start, i);
        }
        return (bits & 0x8080_8080_8080_8080UL) == 0;
    }
}
