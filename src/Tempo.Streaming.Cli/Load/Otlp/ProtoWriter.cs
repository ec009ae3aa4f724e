using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load.Otlp;

/// <summary>
/// The load generator's request writer under the name the benchmark harnesses (tests/Tempo.Streaming.Benchmarks)
/// know it by: <see cref="ProtoBufferWriter"/> with a first buffer of 1 MiB, the size of a ~1000-span request. It adds
/// nothing; the CLI itself uses <see cref="ProtoBufferWriter"/>.
/// </summary>
public sealed class ProtoWriter(int initialCapacity = 1 << 20) : ProtoBufferWriter(initialCapacity);
