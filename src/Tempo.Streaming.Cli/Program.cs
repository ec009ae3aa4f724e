using System.CommandLine;
using Tempo.Streaming.Cli.Commands;

var root = new RootCommand(
    "tempo-streaming-cli: tools for Tempo.Streaming (load generation, ingest-log inspection, freshness / consumption / trace-by-ID benchmarks)");
root.Subcommands.Add(LoadCommand.Create());
root.Subcommands.Add(LogCommands.Create());
root.Subcommands.Add(FreshnessCommand.Create());
root.Subcommands.Add(ConsumptionCommand.Create());
root.Subcommands.Add(QueryBenchCommand.Create());
return await root.Parse(args).InvokeAsync();
