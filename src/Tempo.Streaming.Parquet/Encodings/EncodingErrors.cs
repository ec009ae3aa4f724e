using System.Diagnostics.CodeAnalysis;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>Throw helpers so the decode loops stay small; every corrupt-input path ends in a <see cref="ParquetFormatException"/>.</summary>
internal static class EncodingErrors
{
    [DoesNotReturn]
    public static void Truncated(string encoding, string what) =>
        throw new ParquetFormatException($"{encoding} data is truncated: {what}");

    [DoesNotReturn]
    public static void Corrupt(string encoding, string what) =>
        throw new ParquetFormatException($"{encoding} data is corrupt: {what}");

    [DoesNotReturn]
    public static void WrongType(string encoding, string valueKind) =>
        throw new ParquetFormatException($"{encoding} encoding cannot hold {valueKind} values");
}
