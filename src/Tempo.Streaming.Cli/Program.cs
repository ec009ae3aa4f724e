using System.CommandLine;
using Tempo.Streaming.Cli.Commands;

var root = new RootCommand("tempo-streaming-cli: tools for Tempo.Streaming (load generation, ingest-log inspection)");
root.Subcommands.Add(LoadCommand.Create());
root.Subcommands.Add(LogCommands.Create());
return await root.Parse(args).InvokeAsync();
