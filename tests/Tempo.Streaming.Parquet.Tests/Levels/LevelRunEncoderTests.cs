using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Levels;

/// <summary>
/// The streaming level encoder must produce exactly the bytes of the batch RLE/bit-packed hybrid encoder (page bytes
/// of existing files must not change) and decode back to the levels it was given.
/// </summary>
public sealed class LevelRunEncoderTests
{
    public static TheoryData<int> BitWidths => new() { 0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 15 };

    [Theory]
    [MemberData(nameof(BitWidths))]
    public void Random_level_sequences_encode_like_the_batch_encoder(int bitWidth)
    {
        var random = new Random(1234 + bitWidth);
        var max = bitWidth == 0 ? 0 : (1 << bitWidth) - 1;
        var encoder = new LevelRunEncoder(bitWidth);
        for (var round = 0; round < 400; round++)
        {
            // every tenth sequence spans several of the encoder's 1024-level byte batches
            var values = Sequence(random, random.Next(0, round % 10 == 0 ? 5000 : 300), max);
            AssertSameAsBatch(encoder, values, bitWidth);
        }
    }

    [Fact]
    public void Runs_at_and_around_group_boundaries_encode_like_the_batch_encoder()
    {
        var encoder = new LevelRunEncoder(3);
        // Runs of every length 1..20 after prefixes of every length 0..17: covers RLE runs that start on a group
        // boundary, inside a bit-packed group, at the end, and 7/8/9-long runs.
        for (var prefix = 0; prefix <= 17; prefix++)
        {
            for (var run = 1; run <= 20; run++)
            {
                for (var suffix = 0; suffix <= 9; suffix++)
                {
                    var values = new List<short>();
                    for (var i = 0; i < prefix; i++) values.Add((short)(i % 2 == 0 ? 1 : 2));
                    for (var i = 0; i < run; i++) values.Add(5);
                    for (var i = 0; i < suffix; i++) values.Add((short)(i % 3));
                    AssertSameAsBatch(encoder, values.ToArray(), 3);
                }
            }
        }
    }

    [Fact]
    public void WriteTo_leaves_the_encoder_unchanged()
    {
        var encoder = new LevelRunEncoder(2);
        short[] values = [0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 2];
        var expected = new ByteBuffer();
        RleBitPackedHybridEncoder.Encode(values, 2, expected);
        foreach (var v in values)
        {
            encoder.Add(v);
            var peek = new ByteBuffer();
            encoder.WriteTo(peek);
        }
        var output = new ByteBuffer();
        encoder.WriteTo(output);
        output.ToArray().Should().Equal(expected.ToArray());
    }

    private static short[] Sequence(Random random, int length, int max)
    {
        var values = new short[length];
        var i = 0;
        while (i < length)
        {
            // Mix long runs (RLE), short runs and noise (bit-packed), like real level streams.
            var value = (short)random.Next(0, max + 1);
            var run = random.Next(4) switch { 0 => random.Next(8, 40), 1 => random.Next(1, 9), _ => 1 };
            for (var k = 0; k < run && i < length; k++) values[i++] = value;
        }
        return values;
    }

    private static void AssertSameAsBatch(LevelRunEncoder encoder, short[] values, int bitWidth)
    {
        encoder.Reset();
        foreach (var v in values) encoder.Add(v);
        var streamed = new ByteBuffer();
        encoder.WriteTo(streamed);

        var batch = new ByteBuffer();
        RleBitPackedHybridEncoder.Encode(values, bitWidth, batch);
        streamed.ToArray().Should().Equal(batch.ToArray(), "levels [{0}] at {1} bits", string.Join(",", values), bitWidth);

        if (values.Length == 0) return;
        var decoder = new RleBitPackedHybridDecoder();
        decoder.Reset(streamed.ToArray(), bitWidth);
        var decoded = new short[values.Length];
        decoder.Read(decoded);
        decoded.Should().Equal(values);
    }
}
