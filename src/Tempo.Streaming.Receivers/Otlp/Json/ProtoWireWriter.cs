using System.Buffers;
using System.Runtime.CompilerServices;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Receivers.Otlp.Json;

/// <summary>
/// The transcoder's output, written in one forward pass while the JSON is read, exactly the bytes Google.Protobuf's
/// <c>WriteTo</c> would write for the same message. The bytes themselves, and each nested message's minimal length
/// (a guess of <c>reserve</c> bytes fixed up at the message's end), are Core's <see cref="ProtoBufferWriter"/>
/// (<see cref="Output"/>, where field values are written). What this adds is field order: JSON object members come
/// in any order, generated protobuf code writes fields in field-number order. Every field written into an open
/// message is recorded as a segment, and a message whose fields arrived out of order (or with a field given twice,
/// where the last value wins) has its body rewritten in field order at its end.
/// One instance per thread, reused between requests; the output array is handed to a <see cref="ProtobufPayload"/>.
/// </summary>
internal sealed class ProtoWireWriter
{
    private Segment[] _segments = new Segment[64];
    private int _segmentCount;

    /// <summary>Where field values are written, between <see cref="BeginField"/> and <see cref="EndField"/>.</summary>
    public ProtoBufferWriter Output { get; } = new();

    public void Start(int capacity)
    {
        Output.Reset();
        Output.Ensure(capacity);
        _segmentCount = 0;
    }

    /// <summary>Hands the written bytes over; the writer holds no buffer until the next <see cref="Start"/>.</summary>
    public ProtobufPayload Detach()
    {
        var buffer = Output.Detach(out var length);
        return new ProtobufPayload(buffer, length);
    }

    /// <summary>Returns the buffer after a failed transcode.</summary>
    public void Abandon()
    {
        Output.Dispose();
        _segmentCount = 0;
    }

    /// <summary>The top-level message: no tag, no length.</summary>
    public MessageFrame BeginRoot() => new() { IsRoot = true, BodyStart = Output.Position, SegmentBase = _segmentCount };

    /// <summary>Starts an embedded message field: tag, then <paramref name="reserve"/> bytes for its length.</summary>
    public MessageFrame BeginMessage(uint tag, int reserve)
    {
        var length = Output.BeginLengthDelimited(tag, reserve);
        return new MessageFrame { Length = length, BodyStart = length.BodyStart, SegmentBase = _segmentCount };
    }

    /// <summary>Puts the message's fields in number order if needed, then writes its minimal length.</summary>
    public void EndMessage(ref MessageFrame frame)
    {
        if (frame.NeedsRewrite)
        {
            RewriteInFieldOrder(ref frame);
        }

        _segmentCount = frame.SegmentBase;
        if (!frame.IsRoot)
        {
            Output.EndLengthDelimited(frame.Length);
        }
    }

    /// <summary>
    /// Called before a field's value is written into <paramref name="frame"/>. A field given again (or set to null)
    /// replaces what was written for it unless <paramref name="appends"/> (a repeated field's second array adds to the
    /// first, as in Google.Protobuf's JsonParser). Returns the start position for <see cref="EndField"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BeginField(ref MessageFrame frame, int field, bool appends)
    {
        var bit = 1u << field;
        if ((frame.Seen & bit) != 0)
        {
            if (!appends)
            {
                DropField(ref frame, field);
            }
        }
        else
        {
            frame.Seen |= bit;
        }

        if (field < frame.LastField)
        {
            frame.NeedsRewrite = true;
        }
        else
        {
            frame.LastField = field;
        }

        return Output.Position;
    }

    /// <summary>Records the bytes written since <paramref name="start"/> as field <paramref name="field"/> of the frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndField(ref MessageFrame frame, int field, int start)
    {
        var end = Output.Position;
        if (end == start)
        {
            return;
        }

        if (_segmentCount == _segments.Length)
        {
            Array.Resize(ref _segments, _segments.Length * 2);
        }

        _segments[_segmentCount++] = new Segment(field, start, end);
    }

    private void DropField(ref MessageFrame frame, int field)
    {
        for (var i = frame.SegmentBase; i < _segmentCount; i++)
        {
            if (_segments[i].Field == field)
            {
                _segments[i].Field = Segment.Dropped;
                frame.NeedsRewrite = true;
            }
        }
    }

    /// <summary>Stable-sorts the frame's segments by field number (repeated fields keep their element order), drops
    /// replaced ones, and rewrites the body in that order from a copy.</summary>
    private void RewriteInFieldOrder(ref MessageFrame frame)
    {
        var segments = _segments.AsSpan(frame.SegmentBase, _segmentCount - frame.SegmentBase);
        for (var i = 1; i < segments.Length; i++)
        {
            var current = segments[i];
            var j = i - 1;
            while (j >= 0 && segments[j].Field > current.Field)
            {
                segments[j + 1] = segments[j];
                j--;
            }

            segments[j + 1] = current;
        }

        var body = Output.GetWrittenSpan(frame.BodyStart);
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 1));
        try
        {
            body.CopyTo(copy);
            var write = 0;
            foreach (var segment in segments)
            {
                if (segment.Field == Segment.Dropped)
                {
                    continue;
                }

                var length = segment.End - segment.Start;
                copy.AsSpan(segment.Start - frame.BodyStart, length).CopyTo(body[write..]);
                write += length;
            }

            Output.Truncate(frame.BodyStart + write);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private struct Segment(int field, int start, int end)
    {
        // Sorts first, so dropped segments gather at the front and are skipped.
        public const int Dropped = -1;

        public int Field = field;
        public readonly int Start = start;
        public readonly int End = end;
    }
}

/// <summary>An open message: where its length goes, where its body starts, and what is known about its fields.</summary>
internal struct MessageFrame
{
    /// <summary>The top-level message, which has no tag and no length.</summary>
    public bool IsRoot;
    public PendingLength Length;
    public int BodyStart;
    public int SegmentBase;
    public int LastField;
    public uint Seen;
    public bool NeedsRewrite;
    public bool OneofSet;
}
