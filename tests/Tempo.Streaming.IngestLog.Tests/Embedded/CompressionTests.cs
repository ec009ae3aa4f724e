using System.Text;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

/// <summary>LZ4 record values in the embedded log: smaller segments, identical reads, mixed versions, damage reported.</summary>
public sealed class CompressionTests : IDisposable
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private readonly TestLogFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Repetitive_values_are_stored_several_times_smaller_and_read_back_byte_for_byte()
    {
        var values = Enumerable.Range(0, 20).Select(SpanLikeValue).ToArray();
        await using (var log = EmbeddedIngestLog.Open(_folder.Options(1, LogCompression.Lz4)))
        {
            await log.AppendAsync(0, values.Select(v => Record(v)).ToArray(), CancellationToken.None);

            var read = await log.ReadAsync(0, 0, 100, 64 << 20, CancellationToken.None);
            read.Select(r => r.Value.ToArray()).Should().BeEquivalentTo(values, o => o.WithStrictOrdering());
        }

        long raw = values.Sum(v => (long)v.Length);
        new FileInfo(_folder.LastSegment(0)).Length.Should().BeLessThan(raw / 4, "OTLP-like values compress well");
    }

    [Fact]
    public async Task Small_and_incompressible_values_are_stored_as_they_are()
    {
        var random = new byte[4096];
        new Random(7).NextBytes(random);
        var small = Encoding.UTF8.GetBytes("short value");
        await using (var log = EmbeddedIngestLog.Open(_folder.Options(1, LogCompression.Lz4)))
        {
            await log.AppendAsync(0, [Record(random), Record(small)], CancellationToken.None);

            var read = await log.ReadAsync(0, 0, 10, 1 << 20, CancellationToken.None);
            read[0].Value.ToArray().Should().Equal(random);
            read[1].Value.ToArray().Should().Equal(small);
        }

        new FileInfo(_folder.LastSegment(0)).Length.Should().Be(
            RecordFormat.EncodedSize(1, random.Length) + RecordFormat.EncodedSize(1, small.Length), "neither value was worth compressing");
    }

    [Fact]
    public async Task A_segment_holding_plain_and_compressed_records_reads_in_order_across_a_reopen()
    {
        await using (var plain = EmbeddedIngestLog.Open(_folder.Options(1, LogCompression.None)))
        {
            await plain.AppendAsync(0, [Record(SpanLikeValue(0)), Record(SpanLikeValue(1))], CancellationToken.None);
        }
        await using var compressed = EmbeddedIngestLog.Open(_folder.Options(1, LogCompression.Lz4));
        await compressed.AppendAsync(0, [Record(SpanLikeValue(2))], CancellationToken.None);

        var read = await compressed.ReadAsync(0, 0, 10, 1 << 20, CancellationToken.None);

        read.Select(r => r.Offset).Should().Equal(0, 1, 2);
        read.Select(r => r.Value.ToArray()).Should().BeEquivalentTo([SpanLikeValue(0), SpanLikeValue(1), SpanLikeValue(2)],
            o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Max_bytes_counts_the_values_as_read_not_as_stored()
    {
        var value = SpanLikeValue(0);
        await using var log = EmbeddedIngestLog.Open(_folder.Options(1, LogCompression.Lz4));
        await log.AppendAsync(0, Enumerable.Range(0, 10).Select(_ => Record(value)).ToArray(), CancellationToken.None);

        var read = await log.ReadAsync(0, 0, 100, 3 * value.Length + 200, CancellationToken.None);

        read.Should().HaveCount(3, "three values fit the byte budget once decompressed, though ten fit it on disk");
    }

    [Fact]
    public async Task A_compressed_value_that_does_not_expand_is_reported_with_its_offset()
    {
        var value = SpanLikeValue(0);
        await using (var log = EmbeddedIngestLog.Open(_folder.Options(1, LogCompression.None)))
        {
            await log.AppendAsync(0, [Record(value)], CancellationToken.None);
        }
        // Same size, valid CRC, version 2, but the "block" is the plain bytes: it cannot expand to what it claims.
        var forged = new byte[RecordFormat.EncodedSize(1, value.Length)];
        var stored = value.ToArray();
        BitConverter.TryWriteBytes(stored, value.Length * 2);
        RecordFormat.Write(forged, RecordFormat.Lz4Version, 0, Time.ToUnixTimeMilliseconds(), "t"u8, stored);
        await File.WriteAllBytesAsync(_folder.LastSegment(0), forged);

        await using var reopened = EmbeddedIngestLog.Open(_folder.Options(1, LogCompression.Lz4));
        var read = async () => await reopened.ReadAsync(0, 0, 10, 1 << 20, CancellationToken.None);

        (await read.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("offset 0").And.Contain("LZ4");
    }

    /// <summary>A value that repeats the way marshalled OTLP spans do: the same keys and services, differing IDs.</summary>
    private static byte[] SpanLikeValue(int seed)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            text.Append($"service.name=checkout http.method=GET http.route=/api/cart/{{id}} span={seed:x8}{i:x8} ");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static IngestRecord Record(byte[] value) => new("t"u8.ToArray(), value, Time);
}
