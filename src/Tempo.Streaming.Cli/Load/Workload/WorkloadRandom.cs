using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): tiny state, fast, and good enough statistical quality for a workload
/// generator. A value type so each trace gets its own stream seeded from (seed, trace index) without allocation.
/// </summary>
public struct WorkloadRandom
{
    private ulong _state;

    public WorkloadRandom(ulong seed)
    {
        _state = seed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A stateless hash of (seed, index, stream): used for values that must be computable in O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ulong seed, ulong index, ulong stream)
    {
        return Mix(Mix(seed + 0x9E3779B97F4A7C15UL) ^ Mix(index * 0xD1342543DE82EF95UL + stream));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A value in [0, bound) (Lemire's multiply-shift; the tiny bias is irrelevant here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int bound) => (int)((NextUInt64() >> 32) * (ulong)bound >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>A standard normal deviate (Box–Muller, one of the pair).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A log-normal deviate with the given median and shape (sigma of the underlying normal).</summary>
    public double NextLogNormal(double median, double sigma) => median * Math.Exp(sigma * NextGaussian());

    /// <summary>A non-zero 64-bit value (OTLP span IDs must not be all zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextNonZero()
    {
        var value = NextUInt64();
        return value == 0 ? 1 : value;
    }
}
