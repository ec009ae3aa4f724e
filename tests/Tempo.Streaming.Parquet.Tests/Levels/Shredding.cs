namespace Tempo.Streaming.Parquet.Tests.Levels;

/// <summary>Column writers and a record writer over a schema, without a file: the levels stay in the page buffers.</summary>
internal sealed class Shredding
{
    public Shredding(ParquetSchema schema)
    {
        Schema = schema;
        var settings = new ParquetWriterOptions { DataPageSize = int.MaxValue, DefaultEncoding = ColumnEncoding.Plain };
        Columns = new ColumnWriter[schema.Columns.Count];
        for (var i = 0; i < Columns.Length; i++) Columns[i] = new ColumnWriter(schema.Columns[i], ColumnChunkSettings.Resolve(schema.Columns[i], settings));
        Root = LevelNode.Build(schema);
        Records = new RecordWriter(Root, Columns);
    }

    public ParquetSchema Schema { get; }
    public ColumnWriter[] Columns { get; }
    public LevelNode Root { get; }
    public RecordWriter Records { get; }

    public BufferedPage Page(string dottedPath) => Columns[Schema.Column(dottedPath).Index].PeekBufferedPage();

    /// <summary>(value, r, d) triples of a column as in the Dremel paper's figures; null values print as null.</summary>
    public List<(object? Value, int R, int D)> Triples(string dottedPath)
    {
        var column = Schema.Column(dottedPath);
        var page = Page(dottedPath);
        var result = new List<(object?, int, int)>();
        var v = 0;
        for (var i = 0; i < page.DefinitionLevels.Length; i++)
        {
            var d = page.DefinitionLevels[i];
            result.Add((d == column.MaxDefinitionLevel ? page.Values[v++] : null, page.RepetitionLevels[i], d));
        }
        return result;
    }

    /// <summary>Assembles every buffered row back with the reader's assembler.</summary>
    public List<ParquetGroup> Assemble()
    {
        var all = new int[Schema.Columns.Count];
        for (var i = 0; i < all.Length; i++) all[i] = i;
        var assembler = new RecordAssembler(Schema, all);
        var batches = new ColumnBatch[all.Length];
        for (var c = 0; c < all.Length; c++) batches[c] = ToBatch(Schema.Columns[c], Columns[c].PeekBufferedPage());
        var rows = new List<ParquetGroup>();
        var positions = new int[all.Length];
        var valuePositions = new int[all.Length];
        var rowCount = Columns[0].RowCount;
        for (var row = 0; row < rowCount; row++)
        {
            var group = assembler.NewRow();
            for (var c = 0; c < all.Length; c++)
            {
                var batch = batches[c];
                var end = positions[c] + 1;
                while (end < batch.LevelCount && batch.RepetitionLevels[end] != 0) end++;
                valuePositions[c] += assembler.AddColumnRow(group, c, batch, positions[c], end, valuePositions[c]);
                positions[c] = end;
            }
            rows.Add(group);
        }
        return rows;
    }

    private static ColumnBatch ToBatch(ColumnDescriptor column, BufferedPage page)
    {
        var batch = new ColumnBatch(page.DefinitionLevels.Length)
        {
            DefinitionLevels = page.DefinitionLevels,
            RepetitionLevels = page.RepetitionLevels,
            LevelCount = page.DefinitionLevels.Length,
            ValueCount = page.Values.Length,
        };
        switch (column.Type)
        {
            case PhysicalType.Boolean: batch.Booleans = page.Values.Select(v => (bool)v!).ToArray(); break;
            case PhysicalType.Int32: batch.Int32s = page.Values.Select(v => (int)v!).ToArray(); break;
            case PhysicalType.Int64: batch.Int64s = page.Values.Select(v => (long)v!).ToArray(); break;
            case PhysicalType.Float: batch.Floats = page.Values.Select(v => (float)v!).ToArray(); break;
            case PhysicalType.Double: batch.Doubles = page.Values.Select(v => (double)v!).ToArray(); break;
            default:
                var bytes = page.Values.Select(v => v is string s ? System.Text.Encoding.UTF8.GetBytes(s) : (byte[])v!).ToArray();
                batch.ByteData = bytes.SelectMany(b => b).ToArray();
                var offsets = new int[bytes.Length + 1];
                for (var i = 0; i < bytes.Length; i++) offsets[i + 1] = offsets[i] + bytes[i].Length;
                batch.ByteOffsets = offsets;
                break;
        }
        return batch;
    }
}
