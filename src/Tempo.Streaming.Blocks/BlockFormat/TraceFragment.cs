using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>
/// Spans of one trace as stored in the live store or read from the log: a <c>tempopb.Trace</c> fragment and its trace
/// ID (any length up to 16 bytes; shorter IDs are left-padded like Tempo's <c>PadTraceIDTo16Bytes</c>).
/// </summary>
public readonly record struct TraceFragment(ReadOnlyMemory<byte> TraceId, Trace Trace);
