using System.Globalization;
using System.Text.Json.Nodes;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>Reads files with our reader into the shapes DuckDB reports, so the two can be compared directly.</summary>
internal static class OurReader
{
    /// <summary>Every row of every row group, assembled by <see cref="RecordReader"/>, in DuckDB's JSON shape.</summary>
    public static async Task<JsonArray> AllRowsAsync(ParquetFileReader file, IReadOnlyList<int>? columns = null)
    {
        var rows = new JsonArray();
        for (var g = 0; g < file.RowGroups.Count; g++)
        {
            var records = await RecordReader.OpenAsync(file, g, columns);
            records.RemainingRows.Should().Be(file.RowGroups[g].RowCount, $"row group {g} starts with all its rows");
            var read = 0L;
            while (records.ReadRow() is { } row)
            {
                rows.Add(DuckDbShape.Row(file.Schema.Root, row));
                read++;
            }
            read.Should().Be(file.RowGroups[g].RowCount, $"RecordReader must return every row of row group {g}");
            records.RemainingRows.Should().Be(0);
        }
        return rows;
    }

    /// <summary>Footer facts of every chunk checked against DuckDB's parquet_metadata rows (<see cref="DuckDbInspection.ChunksSql"/>).</summary>
    public static void FooterMatches(ParquetFileReader file, JsonArray duckChunks)
    {
        var columns = file.Schema.Columns.Count;
        duckChunks.Count.Should().Be(file.RowGroups.Count * columns, "both readers list one chunk per column per row group");
        foreach (var rowGroup in file.RowGroups)
        {
            rowGroup.Columns.Should().HaveCount(columns);
            foreach (var chunk in rowGroup.Columns)
            {
                var duck = duckChunks[rowGroup.Index * columns + chunk.Column.Index]!.AsObject();
                var at = $"row group {rowGroup.Index}, column {chunk.Column.DottedPath}";
                ((string?)duck["path_in_schema"]).Should().Be(string.Join(", ", chunk.Column.Path), at);
                ((string?)duck["row_group_num_rows"]).Should().Be(rowGroup.RowCount.ToString(CultureInfo.InvariantCulture), at);
                ((string?)duck["compression"]).Should().Be(CodecName(chunk.Codec), at);
                chunk.Encodings.Select(EncodingName).Should().BeEquivalentTo(DuckDbInspection.Encodings(duck), at);
                ((string?)duck["num_values"]).Should().Be(chunk.ValueCount.ToString(CultureInfo.InvariantCulture), at);
                ((string?)duck["stats_null_count"]).Should().Be(chunk.Statistics?.NullCount?.ToString(CultureInfo.InvariantCulture), at);
                var firstPage = (string?)duck["dictionary_page_offset"] ?? (string?)duck["data_page_offset"];
                chunk.Offset.ToString(CultureInfo.InvariantCulture).Should().Be(firstPage, $"{at}: the chunk starts at its first page");
            }
        }
    }

    public static string CodecName(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Uncompressed => "UNCOMPRESSED",
        CompressionCodec.Snappy => "SNAPPY",
        CompressionCodec.Gzip => "GZIP",
        CompressionCodec.Lzo => "LZO",
        CompressionCodec.Brotli => "BROTLI",
        CompressionCodec.Lz4 => "LZ4",
        CompressionCodec.Zstd => "ZSTD",
        CompressionCodec.Lz4Raw => "LZ4_RAW",
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, null),
    };

    public static string EncodingName(Encoding encoding) => encoding switch
    {
        Encoding.Plain => "PLAIN",
        Encoding.PlainDictionary => "PLAIN_DICTIONARY",
        Encoding.Rle => "RLE",
        Encoding.BitPacked => "BIT_PACKED",
        Encoding.DeltaBinaryPacked => "DELTA_BINARY_PACKED",
        Encoding.DeltaLengthByteArray => "DELTA_LENGTH_BYTE_ARRAY",
        Encoding.DeltaByteArray => "DELTA_BYTE_ARRAY",
        Encoding.RleDictionary => "RLE_DICTIONARY",
        Encoding.ByteStreamSplit => "BYTE_STREAM_SPLIT",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };
}
