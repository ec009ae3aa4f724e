using System.CommandLine;
using Tempo.Streaming.Cli.Commands;

var root = new RootCommand(
    "tempo-streaming-cli: tools for Tempo.Streaming (load generation, ingest-log and block inspection, freshness / consumption / trace-by-ID / block benchmarks)");
root.Subcommands.Add(LoadCommand.Create());
root.Subcommands.Add(LogCommands.Create());
root.Subcommands.Add(FreshnessCommand.Create());
root.Subcommands.Add(ConsumptionCommand.Create());
root.Subcommands.Add(QueryBenchCommand.Create());
root.Subcommands.Add(BlocksCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
return await root.Parse(args).InvokeAsync();
