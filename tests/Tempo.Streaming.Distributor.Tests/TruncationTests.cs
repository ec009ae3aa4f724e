using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Distributor.Tests.Support;
using Tempo.Streaming.Distributor.Truncation;
using static Tempo.Streaming.Distributor.Tests.Support.Otlp;

namespace Tempo.Streaming.Distributor.Tests;

public sealed class TruncationTests
{
    private const int Limit = 10;

    [Theory]
    [InlineData("0123456789ABCDEF", "0123456789")]
    [InlineData("abcdefgh€xyz", "abcdefgh")] // € = 3 bytes at offsets 8-10: the cut steps back to 8
    [InlineData("abcdefghi€", "abcdefghi")] // € at 9-11
    [InlineData("abcdefg€xyz", "abcdefg€")] // € at 7-9 fits exactly
    [InlineData("ab😀😀😀", "ab😀😀")] // 4-byte characters
    [InlineData("short", "short")]
    public void Utf8_prefix_never_splits_a_character(string value, string expected)
    {
        AttributeTruncator.Utf8Prefix(value, Limit).Should().Be(expected);
    }

    [Fact]
    public async Task Long_keys_and_string_values_are_truncated_in_resources_scopes_spans_events_and_links()
    {
        using var harness = new DistributorHarness(partitions: 1, new DistributorOptions { MaxAttributeBytes = Limit });
        var resource = Resource("svc");
        resource.Attributes.Add(Attribute("resource.long", "résumé-résumé"));
        var scope = Scope("s");
        scope.Attributes.Add(Attribute("k", "scope-value-too-long"));
        var span = Span(1, 1, "span-name-longer-than-ten-bytes-is-not-an-attribute");
        span.Attributes.Add(Attribute("a.very.long.attribute.key", "v"));
        span.Attributes.Add(Attribute("value", "abcdefgh€xyz"));
        span.Attributes.Add(Attribute("number", 1234567890123456789));
        span.Attributes.Add(new KeyValue
        {
            Key = "array",
            Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "nested strings are not truncated" } } } },
        });
        span.Events.Add(new Span.Types.Event { Name = "exception", Attributes = { Attribute("exception.message", "stack overflow at line 42") } });
        span.Links.Add(new Span.Types.Link
        {
            TraceId = Google.Protobuf.ByteString.CopyFrom(TraceId(99)),
            SpanId = Google.Protobuf.ByteString.CopyFrom(SpanId(99)),
            Attributes = { Attribute("link", "0123456789-0123456789") },
        });
        var untouched = Span(1, 2, "short attributes only");

        var result = await harness.PushAsync(Bytes(ResourceSpans(resource, null, ScopeSpans(scope, null, span, untouched))));

        result.Should().Be(new PushResult(2, 0, null), "truncation never rejects a span");
        var trace = Decode(harness.Log).Single().Trace;
        var writtenResource = trace.ResourceSpans.Single().Resource;
        writtenResource.Attributes.Single(a => a.Key == "resource.l").Value.StringValue.Should().Be("résumé-r");
        writtenResource.Attributes[0].Key.Should().Be("service.na");
        var writtenScope = trace.ResourceSpans.Single().ScopeSpans.Single().Scope;
        writtenScope.Attributes.Single(a => a.Key == "k").Value.StringValue.Should().Be("scope-valu");

        var spans = trace.ResourceSpans.Single().ScopeSpans.Single().Spans;
        var written = spans[0];
        written.Name.Should().Be(span.Name);
        written.Attributes.Select(a => a.Key).Should().Equal("http.reque", "span.index", "a.very.lon", "value", "number", "array");
        written.Attributes.Single(a => a.Key == "value").Value.StringValue.Should().Be("abcdefgh");
        written.Attributes.Single(a => a.Key == "number").Value.IntValue.Should().Be(1234567890123456789);
        written.Attributes.Single(a => a.Key == "array").Value.ArrayValue.Values.Single().StringValue
            .Should().Be("nested strings are not truncated");
        written.Events.Single().Attributes.Single().Should().Be(Attribute("exception.", "stack over"));
        written.Links.Single().Attributes.Single().Value.StringValue.Should().Be("0123456789");
        written.Links.Single().TraceId.ToByteArray().Should().Equal(TraceId(99));

        spans[1].Should().NotBe(untouched, "its http.request.method key is over 10 bytes too");

        harness.Metrics.Sum("tempo_distributor_attributes_truncated_total", ("scope", "resource"), ("tenant", DistributorHarness.Tenant)).Should().Be(3);
        harness.Metrics.Sum("tempo_distributor_attributes_truncated_total", ("scope", "scope")).Should().Be(1, "scope.kind is exactly 10 bytes and stays; only k's value is cut");
        harness.Metrics.Sum("tempo_distributor_attributes_truncated_total", ("scope", "span")).Should().Be(3 + 1, "3 in the first span, http.request.method in the second");
        harness.Metrics.Sum("tempo_distributor_attributes_truncated_total", ("scope", "event")).Should().Be(2);
        harness.Metrics.Sum("tempo_distributor_attributes_truncated_total", ("scope", "link")).Should().Be(1);
    }

    [Fact]
    public async Task Spans_within_the_limit_are_copied_byte_for_byte()
    {
        using var harness = new DistributorHarness(partitions: 1, new DistributorOptions { MaxAttributeBytes = 64 });
        var small = Span(1, 1, "small");
        var large = Span(1, 2, "large");
        large.Attributes.Add(Attribute("db.statement", new string('s', 100)));

        await harness.PushAsync(Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, small, large))));

        var spans = Decode(harness.Log).Single().Spans.ToList();
        spans[0].ToByteArray().Should().Equal(small.ToByteArray());
        spans[1].Attributes.Last().Value.StringValue.Should().Be(new string('s', 64));
        harness.Metrics.Sum("tempo_distributor_attributes_truncated_total").Should().Be(1);
    }

    [Fact]
    public async Task Zero_disables_truncation()
    {
        using var harness = new DistributorHarness(partitions: 1, new DistributorOptions { MaxAttributeBytes = 0 });
        var span = Span(1, 1, "x");
        span.Attributes.Add(Attribute(new string('k', 5000), new string('v', 50_000)));

        await harness.PushAsync(Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, span))));

        Decode(harness.Log).Single().Spans.Single().Should().Be(span);
        harness.Metrics.Count("tempo_distributor_attributes_truncated_total").Should().Be(0);
    }
}
