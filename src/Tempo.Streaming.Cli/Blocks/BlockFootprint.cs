using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>Stored bytes of a block by column and by column family, from its Parquet footer alone (one ranged read).</summary>
internal sealed class BlockFootprint
{
    private BlockFootprint(ParquetFileReader file, IReadOnlyDictionary<string, long> byColumn, IReadOnlyDictionary<string, long> byFamily)
    {
        File = file;
        BytesByColumn = byColumn;
        BytesByFamily = byFamily;
    }

    public ParquetFileReader File { get; }

    /// <summary>Compressed bytes per column dotted path, summed over row groups.</summary>
    public IReadOnlyDictionary<string, long> BytesByColumn { get; }

    /// <summary>Compressed bytes per <see cref="ColumnFamilies"/> family.</summary>
    public IReadOnlyDictionary<string, long> BytesByFamily { get; }

    public static async Task<BlockFootprint> ReadAsync(IObjectStore store, BlockMeta meta, CancellationToken cancellationToken)
    {
        var source = new ObjectStoreRandomAccess(store, BlockPaths.Data(meta.TenantId, meta.BlockId), meta.Size);
        var file = await ParquetFileReader.OpenAsync(source, cancellationToken);
        var byColumn = new Dictionary<string, long>(StringComparer.Ordinal);
        var byFamily = ColumnFamilies.All.ToDictionary(f => f, _ => 0L, StringComparer.Ordinal);
        foreach (var rowGroup in file.RowGroups)
        {
            foreach (var chunk in rowGroup.Columns)
            {
                var path = chunk.Column.DottedPath;
                byColumn[path] = byColumn.GetValueOrDefault(path) + chunk.CompressedSize;
                var family = ColumnFamilies.Of(path);
                byFamily[family] += chunk.CompressedSize;
            }
        }
        return new BlockFootprint(file, byColumn, byFamily);
    }
}
