namespace Tempo.Streaming.Parquet.Tests.Writing;

/// <summary>ColumnWriter.WriteString narrows ASCII directly and UTF-8 encodes from the first non-ASCII char on: the
/// stored bytes must be exactly UTF-8 of the whole string, whatever the mix.</summary>
public sealed class StringEncodingTests
{
    private static readonly ParquetSchema Bytes = Schema.Message("m",
        Schema.Primitive("b", Repetition.Required, PhysicalType.ByteArray));

    [Theory]
    [InlineData("")]
    [InlineData("http.request.method")]
    [InlineData("é")]
    [InlineData("café au lait")]
    [InlineData("a long ascii prefix that is longer than one vector, then: 日本語")]
    [InlineData("emoji 😀 in the middle 😀")]
    [InlineData("lone surrogate \ud800 becomes U+FFFD")]
    public void Stored_bytes_are_the_UTF8_encoding(string value)
    {
        using var output = new MemoryStream();
        using var writer = new ParquetFileWriter(output, Bytes);
        var column = writer.CreateRowGroup().Column(0);
        column.WriteString(value);

        var stored = (byte[])column.PeekBufferedPage().Values[0]!;
        stored.Should().Equal(System.Text.Encoding.UTF8.GetBytes(value));
    }
}
