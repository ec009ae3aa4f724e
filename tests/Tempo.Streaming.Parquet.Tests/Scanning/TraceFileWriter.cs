namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>Writes <see cref="TraceModel"/> rows into a real Parquet file with the library's writer.</summary>
internal static class TraceFileWriter
{
    public static byte[] Write(IReadOnlyList<TraceModel> rows, int rowsPerGroup, ParquetWriterOptions options)
    {
        var output = new MemoryStream();
        using (var writer = new ParquetFileWriter(output, TraceShape.Schema, options))
        {
            for (var first = 0; first < rows.Count; first += rowsPerGroup)
            {
                var rowGroup = writer.CreateRowGroup();
                for (var i = first; i < Math.Min(rows.Count, first + rowsPerGroup); i++) WriteRow(rowGroup.Records, rows[i]);
                rowGroup.Complete();
            }
            writer.Close();
        }
        return output.ToArray();
    }

    public static Task<ParquetFileReader> OpenAsync(byte[] file) => ParquetFileReader.OpenAsync(new ByteSource(file));

    private static void WriteRow(RecordWriter w, TraceModel trace)
    {
        w.BeginRecord();
        w.BeginField(0);
        w.WriteInt64(trace.Id);
        w.EndField();
        List(w, 1, trace.Resources, resource =>
        {
            w.BeginField(0);
            w.WriteString(resource.ServiceName);
            w.EndField();
            List(w, 1, resource.Spans, span =>
            {
                w.BeginField(0);
                w.WriteString(span.Name);
                w.EndField();
                w.BeginField(1);
                w.WriteInt64(span.Duration);
                w.EndField();
                if (span.Status is { } status)
                {
                    w.BeginField(2);
                    w.WriteInt64(status);
                    w.EndField();
                }
                List(w, 3, span.Attrs, attr =>
                {
                    w.BeginField(0);
                    w.WriteString(attr.Key);
                    w.EndField();
                    if (attr.IntValue is { } v)
                    {
                        w.BeginField(1);
                        w.WriteInt64(v);
                        w.EndField();
                    }
                });
            });
        });
        w.EndRecord();
    }

    /// <summary>A required three-level LIST field whose elements are groups.</summary>
    private static void List<T>(RecordWriter w, int field, List<T> items, Action<T> writeElement)
    {
        w.BeginField(field);
        w.BeginGroup();
        w.BeginField(0);
        foreach (var item in items)
        {
            w.BeginGroup();
            w.BeginField(0);
            w.BeginGroup();
            writeElement(item);
            w.EndGroup();
            w.EndField();
            w.EndGroup();
        }
        w.EndField();
        w.EndGroup();
        w.EndField();
    }
}
