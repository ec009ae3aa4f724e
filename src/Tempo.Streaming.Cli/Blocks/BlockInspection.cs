using System.Globalization;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Cli.Commands;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>
/// <c>blocks inspect</c>: the block's meta.json facts, its row groups, and where its bytes go — per column family and
/// per column, with codec and encodings — so size work can aim at the biggest columns.
/// </summary>
internal static class BlockInspection
{
    public static async Task<int> PrintAsync(IObjectStore store, string tenant, Guid blockId, TextWriter output, CancellationToken cancellationToken)
    {
        BlockReader reader;
        BlockFootprint footprint;
        try
        {
            reader = await BlockReader.OpenAsync(store, tenant, blockId, cancellationToken);
            footprint = await BlockFootprint.ReadAsync(store, reader.Meta, cancellationToken);
        }
        catch (Exception e) when (e is BlockNotFoundException or BlockCorruptException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return BlocksCommand.ExitFailed;
        }
        catch (ParquetFormatException e)
        {
            await Console.Error.WriteLineAsync($"error: block {tenant}/{blockId:D} is corrupt: data.parquet: {e.Message}");
            return BlocksCommand.ExitFailed;
        }

        var meta = reader.Meta;
        var file = footprint.File;
        long spans = meta.Ingest?.Spans ?? 0;
        var inv = CultureInfo.InvariantCulture;
        await output.WriteLineAsync($"block      {tenant}/{meta.BlockId:D}  ({store.Description})");
        await output.WriteLineAsync($"format     {meta.Format}, created by {file.CreatedBy ?? "?"}");
        await output.WriteLineAsync($"time       {BlockListing.Time(meta.StartTime)} .. {BlockListing.Time(meta.EndTime)}");
        await output.WriteLineAsync(string.Create(inv, $"traces     {meta.TotalObjects}{(spans > 0 ? $", spans {spans}" : "")}"));
        await output.WriteLineAsync(string.Create(inv, $"size       {meta.Size} bytes data.parquet, footer {file.FooterLength} bytes, {meta.BloomShards} bloom shard(s)"));
        if (spans > 0)
        {
            await output.WriteLineAsync(string.Create(inv, $"per span   {(double)meta.Size / spans:F1} bytes"));
        }
        await output.WriteLineAsync($"lineage    {BlockListing.Lineage(meta)}");
        if (meta.DedicatedColumns.Count > 0)
        {
            await output.WriteLineAsync($"dedicated  {string.Join(", ", meta.DedicatedColumns.Select(c => $"{c.Scope}.{c.Name}"))}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"row group",9}  {"rows",9}  {"bytes (uncompressed)",20}");
        foreach (var rowGroup in file.RowGroups)
        {
            await output.WriteLineAsync(string.Create(inv, $"{rowGroup.Index,9}  {rowGroup.RowCount,9}  {rowGroup.TotalByteSize,20}"));
        }

        long total = footprint.BytesByFamily.Values.Sum();
        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"family",-12}  {"bytes",12}  {"share",6}{(spans > 0 ? "  bytes/span" : "")}");
        foreach (var (family, bytes) in footprint.BytesByFamily.OrderByDescending(kv => kv.Value))
        {
            await output.WriteLineAsync(string.Create(inv,
                $"{family,-12}  {bytes,12}  {Share(bytes, total),6}{(spans > 0 ? $"  {(double)bytes / spans,10:F2}" : "")}"));
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"column",-80}  {"bytes",10}  {"share",6}  codec / encodings");
        var first = file.RowGroups.Count > 0 ? file.RowGroups[0] : null;
        foreach (var (path, bytes) in footprint.BytesByColumn.OrderByDescending(kv => kv.Value))
        {
            var chunk = first?.Columns.FirstOrDefault(c => c.Column.DottedPath == path);
            var how = chunk is null ? "" : $"{chunk.Codec} / {string.Join(" ", chunk.Encodings)}";
            await output.WriteLineAsync(string.Create(inv, $"{path,-80}  {bytes,10}  {Share(bytes, total),6}  {how}"));
        }
        return 0;
    }

    private static string Share(long part, long total) =>
        total == 0 ? "-" : ((double)part / total).ToString("P1", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal);
}
