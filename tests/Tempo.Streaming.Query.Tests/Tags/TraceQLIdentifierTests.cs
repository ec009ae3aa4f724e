using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Tags;

namespace Tempo.Streaming.Query.Tests.Tags;

public sealed class TraceQLIdentifierTests
{
    public static TheoryData<string, TagIdentifier> Valid => new()
    {
        { ".service.name", TagIdentifier.Unscoped("service.name") },
        { "resource.service.name", TagIdentifier.Attribute(AttributeScope.Resource, "service.name") },
        { "span.http.status_code", TagIdentifier.Attribute(AttributeScope.Span, "http.status_code") },
        { "event.exception.message", TagIdentifier.Attribute(AttributeScope.Event, "exception.message") },
        { "link.link-type", TagIdentifier.Attribute(AttributeScope.Link, "link-type") },
        { "instrumentation.library", TagIdentifier.Attribute(AttributeScope.Instrumentation, "library") },
        { "span.\"a b\"", TagIdentifier.Attribute(AttributeScope.Span, "a b") },
        { "span.\"quote\\\"d\"", TagIdentifier.Attribute(AttributeScope.Span, "quote\"d") },
        { "name", TagIdentifier.Intrinsic(Intrinsics.Name) },
        { "span:name", TagIdentifier.Intrinsic(Intrinsics.Name) },
        { "status", TagIdentifier.Intrinsic(Intrinsics.Status) },
        { "span:status", TagIdentifier.Intrinsic(Intrinsics.Status) },
        { "kind", TagIdentifier.Intrinsic(Intrinsics.Kind) },
        { "statusMessage", TagIdentifier.Intrinsic(Intrinsics.StatusMessage) },
        { "span:statusMessage", TagIdentifier.Intrinsic(Intrinsics.StatusMessage) },
        { "rootName", TagIdentifier.Intrinsic(Intrinsics.RootName) },
        { "trace:rootName", TagIdentifier.Intrinsic(Intrinsics.RootName) },
        { "rootServiceName", TagIdentifier.Intrinsic(Intrinsics.RootServiceName) },
        { "trace:rootService", TagIdentifier.Intrinsic(Intrinsics.RootServiceName) },
        { "traceDuration", TagIdentifier.Intrinsic(Intrinsics.TraceDuration) },
        { "trace:duration", TagIdentifier.Intrinsic(Intrinsics.TraceDuration) },
        { "span:duration", TagIdentifier.Intrinsic(Intrinsics.Duration) },
        { "event:name", TagIdentifier.Intrinsic(Intrinsics.EventName) },
        { "event:timeSinceStart", TagIdentifier.Intrinsic(Intrinsics.EventTimeSinceStart) },
        { "instrumentation:name", TagIdentifier.Intrinsic(Intrinsics.InstrumentationName) },
        { "instrumentation:version", TagIdentifier.Intrinsic(Intrinsics.InstrumentationVersion) },
        { " span.x ", TagIdentifier.Attribute(AttributeScope.Span, "x") },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_tempo_identifiers(string text, TagIdentifier expected)
    {
        TraceQLIdentifier.TryParse(text, out var identifier).Should().BeNull();
        identifier.Should().Be(expected);
    }

    [Theory]
    [InlineData("foo", "failed to parse identifier foo: parse error at line 1, col 2: syntax error: unexpected IDENTIFIER")]
    [InlineData("span.", "failed to parse identifier span.: parse error at line 1, col 7: syntax error: unexpected }")]
    [InlineData("span.a b", "failed to parse identifier span.a b: parse error at line 1, col 9: syntax error: unexpected IDENTIFIER")]
    [InlineData("duration > 1s", "failed to parse identifier duration > 1s: expected Attribute but got *traceql.BinaryOperation")]
    [InlineData("name x", "failed to parse identifier name x: parse error at line 1, col 7: syntax error: unexpected IDENTIFIER")]
    [InlineData(".a = 1", "failed to parse identifier .a = 1: expected Attribute but got *traceql.BinaryOperation")]
    [InlineData("true", "failed to parse identifier true: expected Attribute but got traceql.Static")]
    [InlineData("span.\"open", "failed to parse identifier span.\"open: parse error at line 1, col 7: syntax error: literal not terminated")]
    public void Rejects_what_is_not_a_lone_attribute(string text, string message)
    {
        TraceQLIdentifier.TryParse(text, out var identifier).Should().Be(message);
        identifier.Should().BeNull();
    }
}
