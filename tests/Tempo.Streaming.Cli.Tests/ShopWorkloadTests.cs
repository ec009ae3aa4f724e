using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Tests;

public sealed class ShopWorkloadDeterminismTests
{
    private static readonly DateTimeOffset BaseTime = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static byte[] Encode(ShopWorkload workload, long first, int traces)
    {
        var writer = new ProtoBufferWriter(1024);
        workload.CreateEncoder().Encode(first, traces, writer);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Same_seed_and_base_time_give_identical_bytes()
    {
        var a = Encode(new ShopWorkload(42, BaseTime), 1000, 300);
        var b = Encode(new ShopWorkload(42, BaseTime), 1000, 300);
        a.Should().Equal(b);
    }

    [Fact]
    public void An_encoder_reused_across_batches_gives_the_same_bytes_as_a_fresh_one()
    {
        var workload = new ShopWorkload(7, BaseTime);
        var encoder = workload.CreateEncoder();
        var writer = new ProtoBufferWriter(16);
        encoder.Encode(0, 500, writer);
        encoder.Encode(5000, 3, writer);
        writer.WrittenSpan.ToArray().Should().Equal(Encode(workload, 5000, 3));
    }

    [Fact]
    public void Different_seeds_give_different_traces()
    {
        var a = new ShopWorkload(42, BaseTime);
        var b = new ShopWorkload(43, BaseTime);
        Encode(a, 0, 50).Should().NotEqual(Encode(b, 0, 50));
        a.TraceId(0).Should().NotEqual(b.TraceId(0));
    }

    [Fact]
    public void Base_time_shifts_timestamps_and_nothing_else()
    {
        var early = new ShopWorkload(42, BaseTime).GenerateTrace(123);
        var late = new ShopWorkload(42, BaseTime.AddHours(1)).GenerateTrace(123);
        var shift = (ulong)TimeSpan.FromHours(1).Ticks * 100;
        foreach (var span in late.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
        {
            span.StartTimeUnixNano -= shift;
            span.EndTimeUnixNano -= shift;
            foreach (var e in span.Events)
            {
                e.TimeUnixNano -= shift;
            }
        }
        late.Should().Be(early);
    }

    [Fact]
    public void Trace_ids_span_counts_and_regenerated_traces_match_the_batches()
    {
        var workload = new ShopWorkload(42, BaseTime);
        var batch = ExportTraceServiceRequest.Parser.ParseFrom(Encode(workload, 200, 40));
        var byTrace = batch.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
            .GroupBy(s => s.TraceId).ToDictionary(g => g.Key, g => g.ToList());
        byTrace.Should().HaveCount(40);
        for (long i = 200; i < 240; i++)
        {
            var id = ByteString.CopyFrom(workload.TraceId(i));
            byTrace.Should().ContainKey(id);
            byTrace[id].Should().HaveCount(workload.SpanCount(i));
            workload.TraceIdHex(i).Should().Be(Convert.ToHexStringLower(workload.TraceId(i)));

            var alone = workload.GenerateTrace(i).ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).ToList();
            alone.Should().BeEquivalentTo(byTrace[id], o => o.WithStrictOrdering().ComparingByValue<Span>());
        }
        byTrace[ByteString.CopyFrom(workload.TraceId(200))]
            .Single(s => s.ParentSpanId.IsEmpty).SpanId.ToByteArray().Should().Equal(workload.RootSpanId(200));
    }

    [Fact]
    public void Batches_are_canonical_protobuf_identical_to_Google_Protobuf_output()
    {
        var bytes = Encode(new ShopWorkload(99, BaseTime), 0, 500);
        ExportTraceServiceRequest.Parser.ParseFrom(bytes).ToByteArray().Should().Equal(bytes);
    }

    [Fact]
    public void Batches_are_grouped_by_resource_and_scope_with_no_repeats()
    {
        var request = ExportTraceServiceRequest.Parser.ParseFrom(Encode(new ShopWorkload(42, BaseTime), 0, 100));
        var resourceKeys = request.ResourceSpans
            .Select(r => r.Resource.Attributes.Single(a => a.Key == "k8s.pod.name").Value.StringValue).ToList();
        resourceKeys.Should().OnlyHaveUniqueItems();
        foreach (var resource in request.ResourceSpans)
        {
            resource.ScopeSpans.Select(s => s.Scope.Name).Should().OnlyHaveUniqueItems();
            resource.SchemaUrl.Should().StartWith("https://opentelemetry.io/schemas/");
        }
    }

    [Fact]
    public void Trace_batches_hold_whole_traces_of_about_the_requested_span_count()
    {
        var workload = new ShopWorkload(42, BaseTime);
        var traces = workload.TracesForBatch(1000, 1000, long.MaxValue, out var spans);
        spans.Should().BeInRange(1000, 1000 + ShopWorkload.MaxSpansPerTrace - 1);
        var exact = 0;
        for (var i = 0; i < traces; i++)
        {
            exact += workload.SpanCount(1000 + i);
        }
        exact.Should().Be(spans);
        workload.TracesForBatch(1000, 1000, 1003, out _).Should().Be(3);
    }
}

[Collection(nameof(WorkloadSampleCollection))]
public sealed class ShopWorkloadShapeTests(WorkloadSample sample)
{
    [Fact]
    public void Ids_are_valid_and_parents_exist_within_their_trace()
    {
        var spanIds = new HashSet<(ByteString, ByteString)>();
        foreach (var (_, _, span) in sample.AllSpans())
        {
            span.TraceId.Length.Should().Be(16);
            span.SpanId.Length.Should().Be(8);
            span.TraceId.Span.IndexOfAnyExcept((byte)0).Should().BeGreaterThanOrEqualTo(0);
            span.SpanId.Span.IndexOfAnyExcept((byte)0).Should().BeGreaterThanOrEqualTo(0);
            span.EndTimeUnixNano.Should().BeGreaterThan(span.StartTimeUnixNano);
            spanIds.Add((span.TraceId, span.SpanId));
        }
        foreach (var (_, _, span) in sample.AllSpans())
        {
            if (!span.ParentSpanId.IsEmpty)
            {
                span.ParentSpanId.Length.Should().Be(8);
                spanIds.Should().Contain((span.TraceId, span.ParentSpanId));
            }
        }
        sample.AllSpans().Count(s => s.Span.ParentSpanId.IsEmpty).Should().Be(WorkloadSample.TraceCount, "one root per trace");
    }

    [Fact]
    public void Span_counts_are_5_to_60_with_a_median_near_15()
    {
        var counts = sample.AllSpans().GroupBy(s => s.Span.TraceId).Select(g => g.Count()).OrderBy(c => c).ToList();
        counts.Should().HaveCount(WorkloadSample.TraceCount);
        counts[0].Should().BeGreaterThanOrEqualTo(5);
        counts[^1].Should().BeLessThanOrEqualTo(60);
        counts[counts.Count / 2].Should().BeInRange(14, 16);
        counts.Count(c => c >= 40).Should().BeGreaterThan(0, "the tail reaches large traces");
    }

    [Fact]
    public void Average_protobuf_size_is_400_to_600_bytes_per_span()
    {
        var perSpan = (double)sample.ProtobufBytes / sample.SpanCount;
        perSpan.Should().BeInRange(400, 600);
    }

    [Fact]
    public void About_two_percent_of_spans_are_errors_with_exception_events()
    {
        var errors = sample.AllSpans().Where(s => s.Span.Status?.Code == Status.Types.StatusCode.Error).ToList();
        var share = (double)errors.Count / sample.SpanCount;
        share.Should().BeInRange(0.015, 0.025);
        foreach (var (_, _, span) in errors)
        {
            span.Status.Message.Should().NotBeEmpty();
            var exception = span.Events.Should().ContainSingle(e => e.Name == "exception").Subject;
            exception.Attributes.Select(a => a.Key).Should().Contain(["exception.type", "exception.message", "exception.stacktrace"]);
            exception.TimeUnixNano.Should().BeInRange(span.StartTimeUnixNano, span.EndTimeUnixNano);
        }
        sample.AllSpans().Where(s => s.Span.Status is null).Should().AllSatisfy(s => s.Span.Events.Should().BeEmpty());
    }

    [Fact]
    public void Eight_services_with_the_required_resource_attributes()
    {
        var services = new HashSet<string>();
        foreach (var request in sample.Requests)
        {
            foreach (var resource in request.ResourceSpans)
            {
                var keys = resource.Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.StringValue);
                keys.Should().ContainKeys("service.name", "service.version", "host.name", "k8s.namespace.name", "k8s.pod.name",
                    "deployment.environment");
                services.Add(keys["service.name"]);
            }
        }
        services.Should().BeEquivalentTo(ShopWorkload.ServiceNames);
        services.Should().BeEquivalentTo(["frontend", "cart", "checkout", "payment", "shipping", "catalog", "auth", "postgres"]);
    }

    [Fact]
    public void Spans_carry_semantic_convention_attributes_kinds_and_high_cardinality_ids()
    {
        var keys = sample.AllSpans().SelectMany(s => s.Span.Attributes).Select(a => a.Key).ToHashSet();
        keys.Should().Contain(["http.request.method", "url.path", "http.response.status_code", "db.system", "db.statement", "rpc.method",
            "net.peer.name", "user.id", "order.id", "server.address", "messaging.system"]);
        sample.AllSpans().Select(s => s.Span.Kind).Distinct().Should().BeEquivalentTo([
            Span.Types.SpanKind.Server, Span.Types.SpanKind.Client, Span.Types.SpanKind.Internal, Span.Types.SpanKind.Producer,
            Span.Types.SpanKind.Consumer]);

        var users = sample.AllSpans().SelectMany(s => s.Span.Attributes).Where(a => a.Key == "user.id")
            .Select(a => a.Value.StringValue).Distinct().Count();
        users.Should().BeGreaterThan(WorkloadSample.TraceCount / 2, "user.id is high-cardinality");
        var orders = sample.AllSpans().SelectMany(s => s.Span.Attributes).Where(a => a.Key == "order.id")
            .Select(a => a.Value.StringValue).Distinct().Count();
        orders.Should().BeGreaterThan(WorkloadSample.TraceCount / 50);
    }

    [Fact]
    public void Client_and_server_chains_nest_in_time()
    {
        var spans = sample.AllSpans().Select(s => s.Span).Take(50_000).ToDictionary(s => (s.TraceId, s.SpanId));
        var checkedChildren = 0;
        foreach (var span in spans.Values)
        {
            if (span.ParentSpanId.IsEmpty || !spans.TryGetValue((span.TraceId, span.ParentSpanId), out var parent))
            {
                continue;
            }
            span.StartTimeUnixNano.Should().BeGreaterThanOrEqualTo(parent.StartTimeUnixNano);
            if (parent.Kind == Span.Types.SpanKind.Client && span.Kind == Span.Types.SpanKind.Server)
            {
                span.EndTimeUnixNano.Should().BeLessThanOrEqualTo(parent.EndTimeUnixNano);
            }
            checkedChildren++;
        }
        checkedChildren.Should().BeGreaterThan(1000);
        spans.Values.Count(s => s.Kind == Span.Types.SpanKind.Server && s.ParentSpanId.Length > 0).Should().BeGreaterThan(1000);
    }

    [Fact]
    public void Some_spans_link_to_the_previous_trace()
    {
        var linked = sample.AllSpans().Where(s => s.Span.Links.Count > 0).ToList();
        linked.Should().NotBeEmpty();
        ((double)linked.Count / sample.SpanCount).Should().BeLessThan(0.02, "links are occasional");
        var workload = sample.Workload;
        var indexById = Enumerable.Range(0, WorkloadSample.TraceCount)
            .ToDictionary(i => ByteString.CopyFrom(workload.TraceId(i)), i => (long)i);
        foreach (var (_, _, span) in linked.Take(200))
        {
            var link = span.Links.Single();
            var index = indexById[span.TraceId];
            link.TraceId.ToByteArray().Should().Equal(workload.TraceId(index - 1));
            link.SpanId.ToByteArray().Should().Equal(workload.RootSpanId(index - 1));
        }
    }
}
