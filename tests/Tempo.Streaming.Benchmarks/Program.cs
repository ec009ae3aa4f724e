using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using Tempo.Streaming.Benchmarks.Infrastructure;

// Micro-benchmarks of the ingest hot paths on the standard "shop" workload (BENCHMARKS.md). Examples:
//   dotnet run -c Release --project tests/Tempo.Streaming.Benchmarks -- --filter '*'
//   dotnet run -c Release --project tests/Tempo.Streaming.Benchmarks -- --filter '*Distributor*' --job short
// The end-to-end ingest figure (load generator -> running server) comes from scripts/bench-ingest.sh.
var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(ThroughputColumn.SpansPerSecond, ThroughputColumn.MegabytesPerSecond);
BenchmarkSwitcher.FromAssembly(typeof(ShopBatches).Assembly).Run(args, config);
