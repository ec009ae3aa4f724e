using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Distributor.Tests.Support;
using static Tempo.Streaming.Distributor.Tests.Support.Otlp;

namespace Tempo.Streaming.Distributor.Tests;

public sealed class ValidationTests
{
    [Fact]
    public async Task Spans_with_invalid_ids_are_rejected_as_partial_success_and_counted_by_reason()
    {
        using var harness = new DistributorHarness();
        var noTraceId = Span(0, 10, "no-trace-id");
        noTraceId.TraceId = ByteString.Empty;
        var request = Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null,
            Span(1, 1, "ok-1"),
            Span(0, 2, "short-trace-id", traceId: new byte[8]),
            Span(0, 3, "zero-trace-id", traceId: new byte[16]),
            noTraceId,
            Span(2, 4, "short-span-id", spanId: [1, 2, 3, 4, 5, 6, 7]),
            Span(2, 5, "zero-span-id", spanId: new byte[8]),
            Span(2, 6, "ok-2"))));

        var result = await harness.PushAsync(request);

        result.AcceptedSpans.Should().Be(2);
        result.RejectedSpans.Should().Be(5);
        result.ErrorMessage.Should().Be(
            "3 spans rejected: invalid trace ID (must be 16 bytes, not all zero); " +
            "2 spans rejected: invalid span ID (must be 8 bytes, not all zero)");
        Decode(harness.Log).SelectMany(w => w.Spans).Select(s => s.Name).Should().BeEquivalentTo("ok-1", "ok-2");
        harness.Metrics.Sum("tempo_discarded_spans_total", ("reason", "invalid_trace_id"), ("tenant", DistributorHarness.Tenant)).Should().Be(3);
        harness.Metrics.Sum("tempo_discarded_spans_total", ("reason", "invalid_span_id"), ("tenant", DistributorHarness.Tenant)).Should().Be(2);
        harness.Metrics.Sum("tempo_distributor_spans_received_total").Should().Be(7, "received counts every span, like Tempo");
    }

    [Fact]
    public async Task A_request_of_only_invalid_spans_writes_nothing_and_reports_all_of_them()
    {
        using var harness = new DistributorHarness();

        var result = await harness.PushAsync(Bytes(ResourceSpans(Resource("a"), null,
            ScopeSpans(Scope("s"), null, Span(0, 1, "x", traceId: new byte[16])))));

        result.Should().Be(new PushResult(0, 1, "1 span rejected: invalid trace ID (must be 16 bytes, not all zero)"));
        harness.Log.AppendCalls.Should().Be(0);
    }

    [Fact]
    public async Task A_trace_larger_than_max_record_bytes_is_rejected_alone_as_trace_too_large()
    {
        using var harness = new DistributorHarness(partitions: 2, new DistributorOptions { MaxRecordBytes = 4096 });
        var bigSpans = Enumerable.Range(0, 3).Select(i =>
        {
            var span = Span(7, 100 + i, "big");
            span.Attributes.Add(Attribute("payload", new string('x', 1800)));
            return span;
        });
        var request = Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null,
            [Span(1, 1, "small-1"), .. bigSpans, Span(2, 2, "small-2")])));

        var result = await harness.PushAsync(request);

        result.AcceptedSpans.Should().Be(2);
        result.RejectedSpans.Should().Be(3);
        result.ErrorMessage.Should().StartWith("3 spans rejected: 1 trace larger than max_record_bytes (4096 bytes), e.g. trace " +
                                               Convert.ToHexStringLower(TraceId(7)));
        Decode(harness.Log).Select(w => w.Id).Should().BeEquivalentTo([TraceId(1), TraceId(2)]);
        harness.Metrics.Sum("tempo_discarded_spans_total", ("reason", "trace_too_large")).Should().Be(3);
    }

    [Fact]
    public async Task Records_are_split_at_trace_boundaries_below_max_record_bytes()
    {
        const int maxRecordBytes = 1500;
        using var harness = new DistributorHarness(partitions: 1, new DistributorOptions { MaxRecordBytes = maxRecordBytes });
        var spans = Enumerable.Range(0, 60).Select(i => Span(i % 20, i, "op-" + i)).ToArray();

        var result = await harness.PushAsync(Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, spans))));

        result.Should().Be(new PushResult(60, 0, null));
        var records = harness.Log.RecordsOf(0);
        records.Count.Should().BeGreaterThan(3, "20 traces of ~300 bytes do not fit in 1500-byte records");
        records.Should().OnlyContain(r => r.Value.Length <= maxRecordBytes);
        var written = Decode(harness.Log);
        written.Should().HaveCount(20, "a trace is never split across records");
        written.SelectMany(w => w.Spans).Select(s => s.Name).Should().BeEquivalentTo(spans.Select(s => s.Name));
        harness.Metrics.Sum("tempo_distributor_kafka_records_per_request").Should().Be(records.Count);
    }

    [Fact]
    public void Options_are_validated_at_construction()
    {
        var log = new RecordingIngestLog(2);
        var act = () => new TraceDistributor(log, new InMemoryPartitionRing(2), new DistributorOptions { MaxAttributeBytes = -1 });
        act.Should().Throw<ArgumentException>().WithMessage("*max_attribute_bytes*");

        var tooSmall = () => new TraceDistributor(log, new InMemoryPartitionRing(2), new DistributorOptions { MaxRecordBytes = 10 });
        tooSmall.Should().Throw<ArgumentException>().WithMessage("*max_record_bytes*");

        var ringTooWide = () => new TraceDistributor(log, new InMemoryPartitionRing(3), DistributorOptions.Default);
        ringTooWide.Should().Throw<ArgumentException>().WithMessage("*partition 2*2 partitions*");
    }
}
