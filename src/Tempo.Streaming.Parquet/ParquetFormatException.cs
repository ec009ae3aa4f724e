namespace Tempo.Streaming.Parquet;

/// <summary>
/// A file that is not valid Parquet, or uses a feature this implementation does not read (an unknown codec or
/// encoding). The message says what is wrong and where (footer, column path, page offset) so callers can name the
/// file or block around it.
/// </summary>
public sealed class ParquetFormatException : Exception
{
    public ParquetFormatException(string message) : base(message) { }
    public ParquetFormatException(string message, Exception inner) : base(message, inner) { }
}
