using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using Tempo.Streaming.Benchmarks.Infrastructure;
using Tempo.Streaming.Benchmarks.LiveStore;

// Micro-benchmarks of the ingest hot paths on the standard "shop" workload (BENCHMARKS.md). Examples:
//   dotnet run -c Release --project tests/Tempo.Streaming.Benchmarks -- --filter '*'
//   dotnet run -c Release --project tests/Tempo.Streaming.Benchmarks -- --filter '*Distributor*' --job short
// The end-to-end ingest figure (load generator -> running server) comes from scripts/bench-ingest.sh.
// The live store's consumption rate is a Stopwatch harness (millions of spans per operation), not a BenchmarkDotNet class:
//   dotnet run -c Release --project tests/Tempo.Streaming.Benchmarks -- live-store-consumption [--spans 3000000] [--runs 3]
if (args.Length > 0 && args[0] == LiveStoreConsumptionHarness.CommandName)
{
    return await LiveStoreConsumptionHarness.RunAsync(args[1..]);
}

// Issue 6's steady state of the live store alone (pre-filled log released at a rate, blocks cut to a local folder):
//   ... -- live-store-steady-state prefill --dir D --spans N ; ... -- live-store-steady-state run --dir D --samples F --rate R
if (args.Length > 0 && args[0] == LiveStoreSteadyStateHarness.CommandName)
{
    return await LiveStoreSteadyStateHarness.RunAsync(args[1..]);
}

var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(ThroughputColumn.SpansPerSecond, ThroughputColumn.MegabytesPerSecond);
BenchmarkSwitcher.FromAssembly(typeof(ShopBatches).Assembly).Run(args, config);
return 0;
