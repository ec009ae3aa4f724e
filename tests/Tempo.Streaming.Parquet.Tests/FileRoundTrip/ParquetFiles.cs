namespace Tempo.Streaming.Parquet.Tests.FileRoundTrip;

/// <summary>Writes files into memory with our writer and reads them back with our reader.</summary>
internal static class ParquetFiles
{
    public static byte[] Write(ParquetSchema schema, ParquetWriterOptions options, Action<ParquetFileWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new ParquetFileWriter(stream, schema, options))
        {
            write(writer);
            writer.Close();
        }
        return stream.ToArray();
    }

    public static Task<ParquetFileReader> OpenAsync(byte[] file) => ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file));

    public static async Task<List<ParquetGroup>> ReadAllRowsAsync(byte[] file, IReadOnlyList<int>? columns = null)
    {
        var reader = await OpenAsync(file);
        var rows = new List<ParquetGroup>();
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var records = await RecordReader.OpenAsync(reader, g, columns);
            while (records.ReadRow() is { } row) rows.Add(row);
        }
        return rows;
    }

    /// <summary>Every value of one column in file order (nulls included), read with ColumnChunkReader in small batches.</summary>
    public static async Task<List<(object? Value, int R, int D)>> ReadColumnAsync(byte[] file, string dottedPath, int batchSize = 7)
    {
        var reader = await OpenAsync(file);
        var column = reader.Schema.Column(dottedPath);
        var result = new List<(object?, int, int)>();
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var chunk = await reader.ReadColumnChunkAsync(g, column.Index);
            var batch = new ColumnBatch(batchSize);
            while (chunk.ReadBatch(batch) is var n and > 0)
            {
                var v = 0;
                for (var i = 0; i < n; i++)
                {
                    var d = batch.DefinitionLevels[i];
                    result.Add((d == column.MaxDefinitionLevel ? RecordAssembler.ReadValue(batch, column, v++) : null, batch.RepetitionLevels[i], d));
                }
                v.Should().Be(batch.ValueCount);
            }
        }
        return result;
    }
}
