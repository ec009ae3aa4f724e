using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Distributor.Tests.Support;
using Tempo.Streaming.Tempopb;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using static Tempo.Streaming.Distributor.Tests.Support.Otlp;

namespace Tempo.Streaming.Distributor.Tests;

public sealed class RegroupTests
{
    /// <summary>
    /// 3 resources x 2 scopes, 6 traces whose spans are interleaved across all of them, unknown fields in resources,
    /// scopes and spans: every span must come out exactly once, in the trace of its ID, under its own resource and
    /// scope, in request order.
    /// </summary>
    [Fact]
    public async Task Every_span_lands_once_in_its_trace_with_its_resource_and_scope()
    {
        using var harness = new DistributorHarness(partitions: 4);
        var expected = new List<(Span Span, Resource Resource, string ResourceSchema, InstrumentationScope Scope, string ScopeSchema)>();
        var resourceSpans = new List<ResourceSpans>();
        var spanNumber = 0;
        for (var r = 0; r < 3; r++)
        {
            var resource = WithUnknownField(Resource("svc-" + r), OpenTelemetry.Proto.Resource.V1.Resource.Parser);
            var scopes = new List<ScopeSpans>();
            for (var s = 0; s < 2; s++)
            {
                var scope = WithUnknownField(Scope($"lib-{r}-{s}"), InstrumentationScope.Parser);
                var spans = new List<Span>();
                for (var k = 0; k < 9; k++)
                {
                    var span = Span(trace: (spanNumber + r) % 6, span: spanNumber, name: $"op-{spanNumber}");
                    if (spanNumber % 4 == 0)
                    {
                        span = WithUnknownField(span, OpenTelemetry.Proto.Trace.V1.Span.Parser);
                    }

                    spans.Add(span);
                    expected.Add((span, resource, $"https://schema/r{r}", scope, $"https://schema/s{r}{s}"));
                    spanNumber++;
                }

                scopes.Add(ScopeSpans(scope, $"https://schema/s{r}{s}", [.. spans]));
            }

            resourceSpans.Add(ResourceSpans(resource, $"https://schema/r{r}", [.. scopes]));
        }

        var result = await harness.PushAsync(Bytes([.. resourceSpans]));

        result.Should().Be(new PushResult(54, 0, null));
        var written = Decode(harness.Log);
        written.Should().HaveCount(6, "one tempopb.Trace per trace ID");
        written.Select(w => Convert.ToHexString(w.Id)).Should().OnlyHaveUniqueItems();

        var found = new List<Span>();
        foreach (var trace in written)
        {
            trace.Spans.Select(s => s.TraceId.ToByteArray()).Should().AllSatisfy(id => id.Should().Equal(trace.Id), "a trace holds only spans of its ID");
            trace.Record.Partition.Should().Be(harness.Ring.PartitionFor(PartitionTokens.ForTrace(DistributorHarness.Tenant, trace.Id)));
            System.Text.Encoding.UTF8.GetString(trace.Record.Key.Span).Should().Be(DistributorHarness.Tenant);

            foreach (var rs in trace.Trace.ResourceSpans)
            {
                foreach (var ss in rs.ScopeSpans)
                {
                    foreach (var span in ss.Spans)
                    {
                        var origin = expected.Single(e => e.Span.Equals(span));
                        rs.Resource.Should().Be(origin.Resource, "the resource (unknown fields included) is copied intact");
                        rs.SchemaUrl.Should().Be(origin.ResourceSchema);
                        ss.Scope.Should().Be(origin.Scope, "the scope (unknown fields included) is copied intact");
                        ss.SchemaUrl.Should().Be(origin.ScopeSchema);
                        found.Add(span);
                    }
                }
            }

            var order = trace.Spans.Select(s => expected.FindIndex(e => e.Span.Equals(s))).ToList();
            order.Should().BeInAscendingOrder("spans keep their request order inside a trace");
        }

        found.Should().HaveCount(54);
        found.Select(s => Convert.ToBase64String(s.ToByteArray()))
            .Should().BeEquivalentTo(expected.Select(e => Convert.ToBase64String(e.Span.ToByteArray())));
        byte[] unknownField = [0xC0, 0x3E, 0x2A];
        found.Count(s => s.ToByteArray().AsSpan().IndexOf(unknownField) >= 0)
            .Should().Be(14, "the unknown field of every 4th span survives the copy");
    }

    [Fact]
    public async Task Trace_bytes_equal_what_Google_Protobuf_serialises_for_the_same_trace()
    {
        using var harness = new DistributorHarness(partitions: 1);
        var resource = Resource("checkout");
        var scopeA = Scope("a");
        var scopeB = Scope("b");
        var request = Bytes(
            ResourceSpans(resource, "https://opentelemetry.io/schemas/1.21.0",
                ScopeSpans(scopeA, "https://scope/a", Span(1, 1, "a1"), Span(2, 2, "a2"), Span(1, 3, "a3")),
                ScopeSpans(scopeB, null, Span(2, 4, "b1"))),
            ResourceSpans(null, null, ScopeSpans(null, null, Span(1, 5, "bare"))));

        await harness.PushAsync(request);

        var written = Decode(harness.Log);
        var trace1 = written.Single(w => w.Id.SequenceEqual(TraceId(1)));
        var expected1 = new Trace
        {
            ResourceSpans =
            {
                ResourceSpans(resource, "https://opentelemetry.io/schemas/1.21.0",
                    ScopeSpans(scopeA, "https://scope/a", Span(1, 1, "a1"), Span(1, 3, "a3"))),
                ResourceSpans(null, null, ScopeSpans(null, null, Span(1, 5, "bare"))),
            },
        };
        trace1.TraceBytes.Should().Equal(expected1.ToByteArray());

        var trace2 = written.Single(w => w.Id.SequenceEqual(TraceId(2)));
        var expected2 = new Trace
        {
            ResourceSpans =
            {
                ResourceSpans(resource, "https://opentelemetry.io/schemas/1.21.0",
                    ScopeSpans(scopeA, "https://scope/a", Span(2, 2, "a2")),
                    ScopeSpans(scopeB, null, Span(2, 4, "b1"))),
            },
        };
        trace2.TraceBytes.Should().Equal(expected2.ToByteArray());

        // The record value itself is what Google.Protobuf writes for the PushBytesRequest: traces, then ids.
        var record = harness.Log.AllRecords().Single();
        var expectedRecord = new PushBytesRequest
        {
            Traces = { ByteString.CopyFrom(expected1.ToByteArray()), ByteString.CopyFrom(expected2.ToByteArray()) },
            Ids = { ByteString.CopyFrom(TraceId(1)), ByteString.CopyFrom(TraceId(2)) },
        };
        record.Value.ToArray().Should().Equal(expectedRecord.ToByteArray());
    }

    [Fact]
    public async Task Records_are_keyed_by_tenant_and_timestamped_now()
    {
        var log = new RecordingIngestLog(2);
        var now = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var distributor = new TraceDistributor(log, new InMemoryPartitionRing(2), DistributorOptions.Default,
            timeProvider: new FixedTime(now));

        await distributor.PushAsync("team-ü", Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null,
            Enumerable.Range(0, 20).Select(i => Span(i, i, "x")).ToArray()))), CancellationToken.None);

        log.AllRecords().Should().NotBeEmpty().And.AllSatisfy(r =>
        {
            r.Key.ToArray().Should().Equal(System.Text.Encoding.UTF8.GetBytes("team-ü"));
            r.Timestamp.Should().Be(now);
        });
    }

    [Fact]
    public async Task Traces_spread_over_partitions_as_the_ring_says_and_all_partitions_are_appended()
    {
        using var harness = new DistributorHarness(partitions: 4);
        var spans = Enumerable.Range(0, 200).Select(i => Span(i % 100, i, "s")).ToArray();

        await harness.PushAsync(Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, spans))));

        var written = Decode(harness.Log);
        written.Should().HaveCount(100);
        written.Should().OnlyContain(w => w.Record.Partition == harness.Ring.PartitionFor(PartitionTokens.ForTrace(DistributorHarness.Tenant, w.Id)));
        written.Select(w => w.Record.Partition).Distinct().Should().HaveCount(4, "100 traces hash to every one of 4 partitions");
        Enumerable.Range(0, 4).Should().OnlyContain(p => harness.Log.RecordsOf(p).Count == 1, "one record per partition when under the limit");
        written.Should().OnlyContain(w => w.Spans.Count() == 2);
    }

    [Fact]
    public async Task Empty_request_writes_nothing()
    {
        using var harness = new DistributorHarness();

        var result = await harness.PushAsync([]);
        var onlyEmptyResources = await harness.PushAsync(Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null))));

        result.Should().Be(new PushResult(0, 0, null));
        onlyEmptyResources.Should().Be(new PushResult(0, 0, null));
        harness.Log.AppendCalls.Should().Be(0);
    }

    [Fact]
    public async Task Received_spans_and_bytes_are_counted_per_tenant()
    {
        using var harness = new DistributorHarness();
        var request = Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, Span(1, 1, "a"), Span(2, 2, "b"))));

        await harness.PushAsync(request, "t1");
        await harness.PushAsync(request, "t2");

        harness.Metrics.Sum("tempo_distributor_spans_received_total", ("tenant", "t1")).Should().Be(2);
        harness.Metrics.Sum("tempo_distributor_bytes_received_total", ("tenant", "t2")).Should().Be(request.Length);
        harness.Metrics.Sum("tempo_distributor_ingress_bytes_total", ("tenant", "t2")).Should().Be(request.Length);
        harness.Metrics.Count("tempo_distributor_traces_per_batch").Should().Be(2);
        harness.Metrics.Count("tempo_distributor_push_duration_seconds").Should().Be(2);
        harness.Metrics.Sum("tempo_distributor_kafka_write_bytes_total").Should().Be(harness.Log.AllRecords().Sum(r => r.Value.Length));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
