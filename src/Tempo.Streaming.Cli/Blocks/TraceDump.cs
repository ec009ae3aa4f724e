using System.Buffers;
using System.Text.Json;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Cli.Commands;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.Query.Json;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>
/// <c>blocks dump-trace</c>: finds a trace in one block or in every live block of a tenant (bloom → index → row, as
/// a querier does), merges the fragments and prints Tempo's trace-by-ID JSON. Corrupt blocks are reported on stderr
/// and skipped, so one bad block does not hide the trace in the others.
/// </summary>
internal static class TraceDump
{
    private static readonly JsonEncodedText Batches = JsonEncodedText.Encode("batches");

    public static async Task<int> PrintAsync(IObjectStore store, string tenant, Guid? onlyBlock, byte[] traceId, TextWriter output,
        CancellationToken cancellationToken)
    {
        var blocks = new List<Guid>();
        if (onlyBlock is { } block)
        {
            blocks.Add(block);
        }
        else
        {
            await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant, cancellationToken))
            {
                if (entry.Meta is not null && !entry.IsCompacted)
                {
                    blocks.Add(entry.BlockId);
                }
            }
        }

        var merged = new Trace();
        var foundIn = 0;
        foreach (var blockId in blocks)
        {
            try
            {
                var reader = await BlockReader.OpenAsync(store, tenant, blockId, cancellationToken);
                if (await reader.FindTraceByIdAsync(traceId, cancellationToken) is { } trace)
                {
                    merged.ResourceSpans.Add(trace.ResourceSpans);
                    foundIn++;
                }
            }
            catch (Exception e) when (e is BlockCorruptException or BlockNotFoundException)
            {
                await Console.Error.WriteLineAsync($"warning: {e.Message}");
                if (onlyBlock is not null)
                {
                    return BlocksCommand.ExitFailed;
                }
            }
        }

        if (foundIn == 0)
        {
            await Console.Error.WriteLineAsync($"error: trace {TraceId.ToHex(traceId)} is not in {(onlyBlock is { } b ? $"block {tenant}/{b:D}" : $"any of the {blocks.Count} block(s) of tenant {tenant}")}");
            return BlocksCommand.ExitFailed;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = TempoJson.CreateWriter(buffer))
        {
            OtlpJsonpbWriter.WriteTrace(writer, merged, Batches);
        }
        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        return 0;
    }
}
