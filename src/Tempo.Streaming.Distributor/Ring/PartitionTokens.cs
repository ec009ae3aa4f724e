using System.Runtime.CompilerServices;
using System.Text;

namespace Tempo.Streaming.Distributor;

/// <summary>
/// Ring tokens of traces, as Tempo computes them (pkg/util <c>TokenFor(userID, traceID)</c>): 32-bit FNV-1 — not
/// FNV-1a — over the tenant ID bytes followed by the trace ID bytes. Keeping Tempo's hash means a trace lands on the
/// same ring position in Tempo and here.
/// </summary>
public static class PartitionTokens
{
    /// <summary>FNV-1 32-bit offset basis (2166136261).</summary>
    public const uint OffsetBasis = 0x811C9DC5;

    /// <summary>FNV-1 32-bit prime (16777619).</summary>
    public const uint Prime = 0x01000193;

    /// <summary>Continues an FNV-1 hash: for each byte, multiply by the prime, then xor the byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Fnv1(uint hash, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            hash *= Prime;
            hash ^= b;
        }

        return hash;
    }

    /// <summary>FNV-1 32 of <paramref name="data"/>.</summary>
    public static uint Fnv1(ReadOnlySpan<byte> data) => Fnv1(OffsetBasis, data);

    /// <summary>The token of a trace: FNV-1 32 over the tenant's UTF-8 bytes, then the 16 trace-ID bytes.</summary>
    public static uint ForTrace(ReadOnlySpan<byte> tenantUtf8, ReadOnlySpan<byte> traceId) =>
        Fnv1(Fnv1(OffsetBasis, tenantUtf8), traceId);

    /// <summary>The token of a trace of <paramref name="tenant"/>.</summary>
    public static uint ForTrace(string tenant, ReadOnlySpan<byte> traceId) =>
        ForTrace(Encoding.UTF8.GetBytes(tenant), traceId);
}
