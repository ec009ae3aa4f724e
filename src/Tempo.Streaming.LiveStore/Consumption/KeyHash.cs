using System.Buffers.Binary;
using System.Numerics;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// A fast 64-bit hash of an index key, for the applier's "already written" set. A collision would only skip an
/// idempotent re-put of a key already written for another value; at 64 bits it does not happen in practice for the
/// few million keys the set holds before it is reset.
/// </summary>
internal static class KeyHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    public static ulong Of(ReadOnlySpan<byte> key)
    {
        var hash = Prime2 ^ (ulong)key.Length;
        while (key.Length >= 8)
        {
            hash = BitOperations.RotateLeft(hash ^ (BinaryPrimitives.ReadUInt64LittleEndian(key) * Prime1), 31) * Prime2;
            key = key[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < key.Length; i++)
        {
            tail |= (ulong)key[i] << (8 * i);
        }

        hash = BitOperations.RotateLeft(hash ^ (tail * Prime1), 31) * Prime2;
        hash ^= hash >> 33;
        hash *= Prime1;
        hash ^= hash >> 29;
        return hash;
    }
}
