using System.CommandLine;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Cli.Blocks;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Ids;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli blocks list|inspect|dump-trace|verify|index|bench|search-bench</c>: look at the blocks in a
/// backend (a local folder or an S3 bucket, the same choice as the server's <c>storage.trace</c>) without a server.
/// Nothing here writes to the backend except <c>index</c> (the tenant index objects), <c>bench</c> (its own blocks under
/// its own tenant) and <c>search-bench</c> (shop blocks into its local folder when the tenant has none there).
/// Exit codes: 0 success; 1 the block, trace or backend was not found or a block failed verification; 2 bad arguments.
/// </summary>
public static class BlocksCommand
{
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    public static Command Create()
    {
        var command = new Command("blocks", "Inspect vParquet4 blocks in a backend (local folder or S3 bucket)");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateInspect());
        command.Subcommands.Add(CreateDumpTrace());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateIndex());
        command.Subcommands.Add(BlockBenchCommand.Create());
        command.Subcommands.Add(SearchBenchCommand.Create());
        command.Subcommands.Add(BlockLineageCommand.Create());
        return command;
    }

    private static Option<string?> TenantOption(string description) => new("--tenant") { Description = description };

    private static Option<string> BlockOption() => new("--block") { Description = "Block ID (a UUID)", Required = true };

    private static Command CreateList()
    {
        var backend = new BackendOptionSet();
        var tenant = TenantOption("Only this tenant (default: every tenant)");
        var command = new Command("list", "Tenants and their blocks: ID, time range, traces, row groups, size, log lineage, compacted or not") { tenant };
        backend.AddTo(command);
        command.SetAction((parse, ct) => WithStore(backend, parse, store =>
            BlockListing.PrintAsync(store, parse.GetValue(tenant), Console.Out, ct)));
        return command;
    }

    private static Command CreateInspect()
    {
        var backend = new BackendOptionSet();
        var tenant = TenantOption($"Tenant (default {Tenants.SingleTenant})");
        var block = BlockOption();
        var command = new Command("inspect", "One block: meta.json, row groups, and stored bytes per column and per column family") { tenant, block };
        backend.AddTo(command);
        command.SetAction((parse, ct) => WithStore(backend, parse, async store =>
        {
            if (!TryBlockId(parse.GetValue(block)!, out var blockId))
            {
                return ExitUsage;
            }
            return await BlockInspection.PrintAsync(store, parse.GetValue(tenant) ?? Tenants.SingleTenant, blockId, Console.Out, ct);
        }));
        return command;
    }

    private static Command CreateDumpTrace()
    {
        var backend = new BackendOptionSet();
        var tenant = TenantOption($"Tenant (default {Tenants.SingleTenant})");
        var block = new Option<string?>("--block") { Description = "Only this block (default: every block of the tenant)" };
        var traceId = new Option<string>("--trace-id") { Description = "Trace ID in hex (up to 32 digits)", Required = true };
        var command = new Command("dump-trace", "Print a trace found in the blocks as Tempo's trace-by-ID JSON ({\"batches\":[...]})") { tenant, block, traceId };
        backend.AddTo(command);
        command.SetAction((parse, ct) => WithStore(backend, parse, async store =>
        {
            Span<byte> id = stackalloc byte[TraceId.Length];
            if (!TraceId.TryParseHex(parse.GetValue(traceId)!, id, out var error))
            {
                await Console.Error.WriteLineAsync($"error: --trace-id '{parse.GetValue(traceId)}' is not a hex trace ID ({error})");
                return ExitUsage;
            }
            Guid? only = null;
            if (parse.GetValue(block) is { } text)
            {
                if (!TryBlockId(text, out var parsed))
                {
                    return ExitUsage;
                }
                only = parsed;
            }
            return await TraceDump.PrintAsync(store, parse.GetValue(tenant) ?? Tenants.SingleTenant, only, id.ToArray(), Console.Out, ct);
        }));
        return command;
    }

    private static Command CreateVerify()
    {
        var backend = new BackendOptionSet();
        var tenant = TenantOption("Only this tenant (default: every tenant)");
        var block = new Option<string?>("--block") { Description = "Only this block (needs --tenant or the single tenant)" };
        var command = new Command("verify", "Check blocks against their meta.json: footer, row counts, sizes, sorted IDs, index, bloom filter; exit 1 on any problem") { tenant, block };
        backend.AddTo(command);
        command.SetAction((parse, ct) => WithStore(backend, parse, async store =>
        {
            Guid? only = null;
            if (parse.GetValue(block) is { } text)
            {
                if (!TryBlockId(text, out var parsed))
                {
                    return ExitUsage;
                }
                only = parsed;
            }
            var tenantId = parse.GetValue(tenant) ?? (only is null ? null : Tenants.SingleTenant);
            return await BlockVerification.RunAsync(store, tenantId, only, Console.Out, ct);
        }));
        return command;
    }

    private static Command CreateIndex()
    {
        var backend = new BackendOptionSet();
        var tenant = TenantOption("Only this tenant (default: every tenant)");
        var command = new Command("index", "Write each tenant's index.json.gz (Tempo's tenant index: live and compacted block metas) from a listing") { tenant };
        backend.AddTo(command);
        command.SetAction((parse, ct) => WithStore(backend, parse, store => TenantIndexing.WriteAsync(store, parse.GetValue(tenant), Console.Out, ct)));
        return command;
    }

    private static bool TryBlockId(string text, out Guid blockId)
    {
        if (Guid.TryParse(text, out blockId))
        {
            return true;
        }
        Console.Error.WriteLine($"error: --block '{text}' is not a block ID (a UUID such as b27b0e53-66a0-4505-afd6-434ae3cd4a10)");
        return false;
    }

    /// <summary>Opens the backend the options name, runs <paramref name="action"/>, and turns backend failures into messages.</summary>
    internal static async Task<int> WithStore(BackendOptionSet backend, ParseResult parse, Func<IObjectStore, Task<int>> action)
    {
        var problems = new List<string>();
        var store = backend.Open(parse, problems);
        if (store is null)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"error: {problem}");
            }
            return ExitUsage;
        }
        try
        {
            return await action(store);
        }
        catch (BackendException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitFailed;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitUsage;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }
}
