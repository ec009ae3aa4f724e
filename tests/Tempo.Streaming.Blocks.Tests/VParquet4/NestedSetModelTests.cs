using Google.Protobuf;
using Tempo.Streaming.Blocks.VParquet4;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

public sealed class NestedSetModelTests
{
    [Fact]
    public void Depth_first_walk_numbers_left_going_down_and_right_going_up()
    {
        // a ─┬─ b ── d
        //    └─ c
        Span[] spans = [S(1, 0), S(2, 1), S(3, 1), S(4, 2)];
        var model = new NestedSetModel();

        Assign(model, spans).Should().BeTrue();

        Bounds(model, 0).Should().Be((1, 8, -1));
        Bounds(model, 1).Should().Be((2, 5, 1));
        Bounds(model, 3).Should().Be((3, 4, 2));
        Bounds(model, 2).Should().Be((6, 7, 1));
    }

    [Fact]
    public void Several_roots_share_one_counter_in_span_order()
    {
        Span[] spans = [S(5, 0), S(6, 5), S(7, 0)];
        var model = new NestedSetModel();

        Assign(model, spans).Should().BeTrue();

        Bounds(model, 0).Should().Be((1, 4, -1));
        Bounds(model, 1).Should().Be((2, 3, 1));
        Bounds(model, 2).Should().Be((5, 6, -1));
    }

    [Fact]
    public void Zipkin_client_and_server_sharing_an_id_are_told_apart_by_kind()
    {
        // root → client 9 → server 9 (same ID, parent 9) → internal child of 9 (attaches to the SERVER span)
        Span[] spans = [S(1, 0), S(9, 1, SpanKind.Client), S(9, 9, SpanKind.Server), S(10, 9, SpanKind.Internal)];
        var model = new NestedSetModel();

        Assign(model, spans).Should().BeTrue();

        Bounds(model, 0).Should().Be((1, 8, -1));
        Bounds(model, 1).Should().Be((2, 7, 1));
        Bounds(model, 2).Should().Be((3, 6, 2));
        Bounds(model, 3).Should().Be((4, 5, 3));
    }

    [Fact]
    public void A_missing_parent_leaves_that_subtree_at_zero_and_the_trace_disconnected()
    {
        Span[] spans = [S(1, 0), S(2, 1), S(3, 99), S(4, 3)];
        var model = new NestedSetModel();

        Assign(model, spans).Should().BeFalse();

        Bounds(model, 0).Should().Be((1, 4, -1));
        Bounds(model, 1).Should().Be((2, 3, 1));
        Bounds(model, 2).Should().Be((0, 0, 0));
        Bounds(model, 3).Should().Be((0, 0, 0));
    }

    [Fact]
    public void No_root_or_an_id_used_three_times_leaves_every_span_at_zero()
    {
        var model = new NestedSetModel();
        Span[] rootless = [S(2, 1), S(3, 2)];
        Assign(model, rootless).Should().BeFalse();
        Bounds(model, 0).Should().Be((0, 0, 0));
        Bounds(model, 1).Should().Be((0, 0, 0));

        Span[] triple = [S(1, 0), S(2, 1), S(2, 1), S(2, 1)];
        Assign(model, triple).Should().BeFalse();
        for (var i = 0; i < triple.Length; i++)
        {
            Bounds(model, i).Should().Be((0, 0, 0));
        }
    }

    [Fact]
    public void Reuse_after_a_larger_trace_clears_earlier_values()
    {
        var model = new NestedSetModel();
        var large = new Span[300];
        large[0] = S(1, 0);
        for (var i = 1; i < large.Length; i++)
        {
            large[i] = S((ulong)i + 1, (ulong)i);
        }
        Assign(model, large).Should().BeTrue();
        Bounds(model, 299).Should().Be((300, 301, 299));

        Span[] small = [S(1, 0), S(2, 1)];
        Assign(model, small).Should().BeTrue();
        Bounds(model, 0).Should().Be((1, 4, -1));
        Bounds(model, 1).Should().Be((2, 3, 1));
    }

    /// <summary>The spans as the row writer's layout holds them (span keys, parent presence, kind).</summary>
    private static bool Assign(NestedSetModel model, Span[] spans) =>
        model.Assign(Array.ConvertAll(spans, static span => new WireTraceLayout.SpanEntry
        {
            IdKey = WireTraceLayout.SpanKey(span.SpanId.Span),
            ParentKey = WireTraceLayout.SpanKey(span.ParentSpanId.Span),
            HasParent = !span.ParentSpanId.IsEmpty,
            Kind = (int)span.Kind,
        }), spans.Length);

    private static (int Left, int Right, int ParentId) Bounds(NestedSetModel model, int index) =>
        (model.Left[index], model.Right[index], model.ParentId[index]);

    private static Span S(ulong id, ulong parent, SpanKind kind = SpanKind.Internal) => new()
    {
        SpanId = Id(id),
        ParentSpanId = parent == 0 ? ByteString.Empty : Id(parent),
        Kind = kind,
    };

    private static ByteString Id(ulong value)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return ByteString.CopyFrom(bytes);
    }
}
