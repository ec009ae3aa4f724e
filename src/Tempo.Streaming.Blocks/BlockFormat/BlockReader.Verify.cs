using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Bloom;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.BlockFormat;

public sealed partial class BlockReader
{
    /// <summary>
    /// Checks the block against its meta.json and itself (CLI <c>blocks verify</c>): data.parquet size and footer
    /// size, rows = totalObjects, row groups = totalRecords, rows sorted by trace ID without duplicates, min/max IDs,
    /// the index's largest ID per row group, every ID positive in its bloom shard, every row decodes. Returns the
    /// problems found (empty = the block is sound); a problem never throws.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var dataKey = BlockPaths.Data(Meta.TenantId, Meta.BlockId);
        try
        {
            var size = await _store.GetSizeAsync(dataKey, cancellationToken).ConfigureAwait(false);
            if (size != Meta.Size)
            {
                problems.Add($"data.parquet is {size} bytes, meta.json size says {Meta.Size}");
                return problems;
            }
        }
        catch (ObjectNotFoundException)
        {
            problems.Add("data.parquet is missing");
            return problems;
        }

        ParquetFileReader file;
        try
        {
            file = await FileAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsBlockFault(e) || e is BlockCorruptException)
        {
            problems.Add($"data.parquet cannot be opened: {e.Message}");
            return problems;
        }

        if (Meta.FooterSize != 0 && Meta.FooterSize != file.FooterLength)
        {
            problems.Add($"footer is {file.FooterLength} bytes, meta.json footerSize says {Meta.FooterSize}");
        }
        if (file.RowCount != Meta.TotalObjects)
        {
            problems.Add($"data.parquet has {file.RowCount} rows, meta.json totalObjects says {Meta.TotalObjects}");
        }
        if (file.RowGroups.Count != Meta.TotalRecords)
        {
            problems.Add($"data.parquet has {file.RowGroups.Count} row groups, meta.json totalRecords says {Meta.TotalRecords}");
        }

        var ids = new List<byte[]>();
        for (var rowGroup = 0; rowGroup < file.RowGroups.Count; rowGroup++)
        {
            try
            {
                ids.Add(await _rowGroupIds.GetAsync(rowGroup, g => ReadTraceIdsAsync(file, g)).ConfigureAwait(false));
            }
            catch (Exception e) when (IsBlockFault(e))
            {
                problems.Add($"TraceID column of row group {rowGroup} cannot be read: {e.Message}");
                return problems;
            }
        }

        CheckOrder(ids, problems);
        await CheckIndexAsync(ids, problems).ConfigureAwait(false);
        await CheckBloomAsync(ids, problems, cancellationToken).ConfigureAwait(false);
        await CheckRowsAsync(file, problems, cancellationToken).ConfigureAwait(false);
        return problems;
    }

    private void CheckOrder(List<byte[]> rowGroupIds, List<string> problems)
    {
        ReadOnlySpan<byte> previous = default;
        var first = true;
        byte[]? minimum = null;
        byte[]? maximum = null;
        for (var rowGroup = 0; rowGroup < rowGroupIds.Count; rowGroup++)
        {
            var ids = rowGroupIds[rowGroup];
            for (var offset = 0; offset < ids.Length; offset += TraceId.Length)
            {
                var id = ids.AsSpan(offset, TraceId.Length);
                if (!first && previous.SequenceCompareTo(id) >= 0)
                {
                    problems.Add($"row {offset / TraceId.Length} of row group {rowGroup}: trace {Convert.ToHexStringLower(id)} is not after {Convert.ToHexStringLower(previous)} (rows must be sorted by trace ID, without duplicates)");
                    return;
                }
                minimum ??= id.ToArray();
                previous = id;
                first = false;
            }
        }
        if (!first)
        {
            maximum = previous.ToArray();
        }

        if (Meta.MinId is { Length: > 0 } metaMin && minimum is not null && !metaMin.AsSpan().SequenceEqual(minimum))
        {
            problems.Add($"smallest trace ID is {Convert.ToHexStringLower(minimum)}, meta.json minID says {Convert.ToHexStringLower(metaMin)}");
        }
        if (Meta.MaxId is { Length: > 0 } metaMax && maximum is not null && !metaMax.AsSpan().SequenceEqual(maximum))
        {
            problems.Add($"largest trace ID is {Convert.ToHexStringLower(maximum)}, meta.json maxID says {Convert.ToHexStringLower(metaMax)}");
        }
    }

    private async Task CheckIndexAsync(List<byte[]> rowGroupIds, List<string> problems)
    {
        Index.BlockIndex? index;
        try
        {
            index = await _index.GetAsync(0, _ => LoadIndexAsync()).ConfigureAwait(false);
        }
        catch (Exception e) when (IsBlockFault(e))
        {
            problems.Add($"index cannot be read: {e.Message}");
            return;
        }
        if (index is null)
        {
            problems.Add("index is missing");
            return;
        }
        if (index.RowGroups.Count != rowGroupIds.Count)
        {
            problems.Add($"index lists {index.RowGroups.Count} row groups, data.parquet has {rowGroupIds.Count}");
            return;
        }
        for (var rowGroup = 0; rowGroup < rowGroupIds.Count; rowGroup++)
        {
            var ids = rowGroupIds[rowGroup];
            if (ids.Length == 0)
            {
                continue;
            }
            var last = ids.AsSpan(ids.Length - TraceId.Length);
            if (!last.SequenceEqual(index.RowGroups[rowGroup]))
            {
                problems.Add($"index entry {rowGroup} is {Convert.ToHexStringLower(index.RowGroups[rowGroup])}, the row group's largest trace ID is {Convert.ToHexStringLower(last)}");
            }
        }
    }

    private async Task CheckBloomAsync(List<byte[]> rowGroupIds, List<string> problems, CancellationToken cancellationToken)
    {
        var shardCount = Meta.BloomShards > 0 ? Meta.BloomShards : ShardedBloomFilter.LegacyShardCount;
        var shards = new byte[shardCount][];
        for (var shard = 0; shard < shardCount; shard++)
        {
            try
            {
                shards[shard] = await _bloomShards.GetAsync(shard, s => _store.GetAsync(BlockPaths.Bloom(Meta.TenantId, Meta.BlockId, s), cancellationToken))
                    .ConfigureAwait(false);
                ShardedBloomFilter.ValidateShard(shards[shard], out _, out _);
            }
            catch (Exception e) when (IsBlockFault(e))
            {
                problems.Add($"bloom-{shard} cannot be used: {e.Message}");
                return;
            }
        }

        var missing = 0;
        byte[]? firstMissing = null;
        foreach (var ids in rowGroupIds)
        {
            for (var offset = 0; offset < ids.Length; offset += TraceId.Length)
            {
                var id = ids.AsSpan(offset, TraceId.Length);
                if (!ShardedBloomFilter.Test(shards[ShardedBloomFilter.ShardFor(id, shardCount)], id))
                {
                    missing++;
                    firstMissing ??= id.ToArray();
                }
            }
        }
        if (missing > 0)
        {
            problems.Add($"{missing} trace IDs test negative in the bloom filter (first: {Convert.ToHexStringLower(firstMissing!)}); trace by ID would miss them");
        }
    }

    private async Task CheckRowsAsync(ParquetFileReader file, List<string> problems, CancellationToken cancellationToken)
    {
        for (var rowGroup = 0; rowGroup < file.RowGroups.Count; rowGroup++)
        {
            var row = 0;
            try
            {
                var records = await RecordReader.OpenAsync(file, rowGroup, columns: null, cancellationToken).ConfigureAwait(false);
                while (records.ReadRow() is { } group)
                {
                    _rows.Read(group);
                    row++;
                }
            }
            catch (Exception e) when (IsBlockFault(e))
            {
                problems.Add($"row {row} of row group {rowGroup} does not decode: {e.Message}");
                return;
            }
            if (row != file.RowGroups[rowGroup].RowCount)
            {
                problems.Add($"row group {rowGroup} decodes to {row} rows, its footer says {file.RowGroups[rowGroup].RowCount}");
            }
        }
    }
}
