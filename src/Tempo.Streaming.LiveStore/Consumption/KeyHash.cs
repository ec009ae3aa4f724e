using System.Buffers.Binary;
using System.Numerics;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// A fast 64-bit hash for the tag-index keys' "already built / already written" sets. A key's hash is chained over its
/// parts (<see cref="Mix"/> for fixed fields, <see cref="Of"/> for byte strings), so it is computed from an occurrence
/// without assembling the key. A collision would skip writing a key as if it had been written; at 64 bits it does not
/// happen in practice for the few million keys the sets hold before they are reset.
/// </summary>
internal static class KeyHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    /// <summary>The hash of <paramref name="data"/> chained onto <paramref name="seed"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        var hash = seed ^ Prime2 ^ (ulong)data.Length;
        while (data.Length >= 8)
        {
            hash = Round(hash, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        return Finish(Round(hash, tail));
    }

    /// <summary>The hash of <paramref name="value"/> chained onto <paramref name="seed"/>.</summary>
    public static ulong Mix(ulong seed, ulong value) => Finish(Round(seed ^ Prime1, value));

    private static ulong Round(ulong hash, ulong lane) => BitOperations.RotateLeft(hash ^ (lane * Prime1), 31) * Prime2;

    private static ulong Finish(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= Prime1;
        hash ^= hash >> 29;
        return hash;
    }
}
