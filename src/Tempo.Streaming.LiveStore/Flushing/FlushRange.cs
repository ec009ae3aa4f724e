namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>Offsets <see cref="FirstOffset"/>..<see cref="LastOffset"/> (inclusive) of one partition, cut into blocks together.</summary>
public readonly record struct FlushRange(int Partition, long FirstOffset, long LastOffset);

/// <summary>What one cut wrote: the range, the blocks (one per tenant with spans in it; none for a range without spans).</summary>
public sealed record FlushResult(FlushRange Range, long Records, IReadOnlyList<Tempo.Streaming.Blocks.Meta.BlockMeta> Blocks);
