namespace Tempo.Streaming.Parquet;

public sealed partial class ColumnWriter
{
    private readonly ColumnChunkSettings _settings;
    private long _chunkUncompressedBytes = 0;

    private void FlushPage() => throw new NotImplementedException("page encoding lands with the parquet-core encoders");
}
