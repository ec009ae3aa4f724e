using Google.Protobuf;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// One trace as the row writer reads it: the encoded <c>tempopb.Trace</c> fragments it was stored as, in log order
/// (a live-store cut hands over the fragments as read from RocksDB, without parsing them). The row holds what
/// <see cref="BlockFormat.TraceFragmentCombiner.CombineOne"/> would make of them: the first fragment whole, then each
/// later fragment's spans whose (span ID, kind) was not seen yet. The memories must stay valid while the row is written.
/// </summary>
public sealed class EncodedTrace
{
    public EncodedTrace(IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        Fragments = fragments;
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> Fragments { get; }

    /// <summary>Encoded here by Google.Protobuf: valid UTF-8 and each field once, so the row writer need not check.</summary>
    internal bool Canonical { get; private init; }

    /// <summary>A trace that exists as objects (compaction, the in-memory block write), encoded as one fragment.</summary>
    public static EncodedTrace Of(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new EncodedTrace([trace.ToByteArray()]) { Canonical = true };
    }
}
