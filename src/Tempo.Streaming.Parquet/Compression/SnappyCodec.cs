using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>
/// SNAPPY: raw snappy blocks, not the framed format (Parquet Compression.md). Compression uses IronSnappy (fully
/// managed, so nothing native is needed; one array per page). Decompression is done here, straight into the caller's
/// buffer, with every length and offset checked so a corrupt page fails with a clear message instead of whatever a
/// general-purpose decoder throws (snappy format_description.txt: a varint length preamble, then literal and copy
/// elements tagged by the low two bits of each tag byte).
/// </summary>
internal sealed class SnappyCodec : ICompressionCodec
{
    public CompressionCodec Codec => CompressionCodec.Snappy;

    public void Compress(ReadOnlySpan<byte> source, ByteBuffer destination) => destination.Write(IronSnappy.Snappy.Encode(source));

    public void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var position = 0;
        var length = ReadPreamble(source, ref position);
        if (length != (uint)destination.Length)
        {
            CompressionCodecs.SizeMismatch(Codec, length, destination.Length);
        }

        var output = 0;
        while (position < source.Length)
        {
            var tag = source[position++];
            switch (tag & 3)
            {
                case 0:
                {
                    var literal = (tag >> 2) + 1;
                    if (literal > 60)
                    {
                        var extra = literal - 60; // 1..4 little-endian bytes hold length - 1
                        if (source.Length - position < extra)
                        {
                            Corrupt("a literal length runs past the end");
                        }

                        uint raw = 0;
                        for (var i = 0; i < extra; i++)
                        {
                            raw |= (uint)source[position + i] << (8 * i);
                        }

                        position += extra;
                        if (raw >= int.MaxValue)
                        {
                            Corrupt($"a literal of {raw} bytes");
                        }

                        literal = (int)raw + 1;
                    }

                    if (literal > source.Length - position || literal > destination.Length - output)
                    {
                        Corrupt($"a {literal}-byte literal at input {position} overruns the input or the {destination.Length}-byte output");
                    }

                    source.Slice(position, literal).CopyTo(destination[output..]);
                    position += literal;
                    output += literal;
                    break;
                }

                case 1:
                {
                    if (position >= source.Length)
                    {
                        Corrupt("a copy element is cut off");
                    }

                    var copyLength = 4 + ((tag >> 2) & 7);
                    var offset = ((tag >> 5) << 8) | source[position++];
                    Copy(destination, ref output, offset, copyLength);
                    break;
                }

                case 2:
                {
                    if (source.Length - position < 2)
                    {
                        Corrupt("a copy element is cut off");
                    }

                    var offset = BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(position, 2));
                    position += 2;
                    Copy(destination, ref output, offset, (tag >> 2) + 1);
                    break;
                }

                default:
                {
                    if (source.Length - position < 4)
                    {
                        Corrupt("a copy element is cut off");
                    }

                    var offset = BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(position, 4));
                    position += 4;
                    if (offset > int.MaxValue)
                    {
                        Corrupt($"copy offset {offset}");
                    }

                    Copy(destination, ref output, (int)offset, (tag >> 2) + 1);
                    break;
                }
            }
        }

        if (output != destination.Length)
        {
            CompressionCodecs.SizeMismatch(Codec, output, destination.Length);
        }
    }

    private static void Copy(Span<byte> destination, ref int output, int offset, int length)
    {
        if (offset <= 0 || offset > output)
        {
            Corrupt($"a copy reaches {offset} bytes back from output position {output}");
        }

        if (length > destination.Length - output)
        {
            Corrupt($"a {length}-byte copy at output {output} overruns the {destination.Length}-byte output");
        }

        if (offset >= length)
        {
            destination.Slice(output - offset, length).CopyTo(destination[output..]);
        }
        else
        {
            // overlapping copy repeats a pattern: byte by byte, as the format requires
            for (var i = 0; i < length; i++)
            {
                destination[output + i] = destination[output - offset + i];
            }
        }

        output += length;
    }

    private static uint ReadPreamble(ReadOnlySpan<byte> source, ref int position)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= source.Length)
            {
                Corrupt("the length preamble is cut off");
            }

            var b = source[position++];
            if (shift == 28 && b > 0x0F)
            {
                break;
            }

            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        Corrupt("the length preamble does not fit in 32 bits");
        return 0;
    }

    private static void Corrupt(string what) => throw new ParquetFormatException($"SNAPPY data is corrupt: {what}");
}
