using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Core.Querying;
using static Tempo.Streaming.LiveStore.Tests.TestTraces;

namespace Tempo.Streaming.LiveStore.Tests;

public sealed class TagIndexTests : IAsyncLifetime
{
    private const string Tenant = "single-tenant";
    private readonly LiveStoreFixture _fixture = new(partitions: 1);
    private LiveTraceStore _store = null!;

    public async Task InitializeAsync()
    {
        var id = TraceId(1);
        var root = NewSpan(id, 1, name: "GET /cart", attributes:
        [
            ("http.method", Str("GET")), ("http.status_code", Int(200)), ("ratio", Dbl(1234567.5)), ("cached", Bool(true)),
            ("tags", new AnyValue { ArrayValue = new ArrayValue { Values = { Str("a") } } }),
        ]);
        root.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" };
        root.Events.Add(new Span.Types.Event { Name = "exception", Attributes = { new KeyValue { Key = "exception.type", Value = Str("IOError") } } });
        root.Links.Add(new Span.Types.Link { TraceId = Google.Protobuf.ByteString.CopyFrom(TraceId(2)), SpanId = Google.Protobuf.ByteString.CopyFrom(SpanId(2)),
            Attributes = { new KeyValue { Key = "link.kind", Value = Str("follows") } } });
        var child = NewSpan(id, 2, parent: 1, name: "SELECT", start: BaseTime.AddMinutes(5), attributes: ("http.status_code", Int(500)));
        var fragment = Fragment("cart", root, child);
        fragment.ResourceSpans[0].ScopeSpans[0].Scope.Attributes.Add(new KeyValue { Key = "lib.lang", Value = Str("dotnet") });
        await _fixture.AppendAsync(0, Record(Tenant, (id, fragment)), Record("other", (TraceId(3), Fragment("secret-service", NewSpan(TraceId(3), 1, attributes: ("secret.key", Str("x")))))));
        _store = await _fixture.OpenStoreAsync();
        await _fixture.CaughtUpAsync(_store);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _fixture.DisposeAsync();
    }

    private async Task<IReadOnlyDictionary<AttributeScope, IReadOnlyList<string>>> Names(QueryWindow window, int limit = 0, string tenant = Tenant) =>
        (await _store.GetTagNamesAsync(new TagNamesQuery(tenant, AttributeScopes.WithAttributes, window, limit, 0), CancellationToken.None)).Scopes;

    private async Task<IReadOnlyList<TypedTagValue>> Values(TagIdentifier tag, QueryWindow? window = null, int limit = 0) =>
        (await _store.GetTagValuesAsync(new TagValuesQuery(Tenant, tag, window ?? QueryWindow.All, limit, 0), CancellationToken.None)).Values;

    [Fact]
    public async Task Names_are_listed_per_scope_sorted_and_per_tenant()
    {
        var scopes = await Names(QueryWindow.All);

        scopes[AttributeScope.Resource].Should().Equal("service.name");
        scopes[AttributeScope.Span].Should().Equal("cached", "http.method", "http.status_code", "ratio", "tags");
        scopes[AttributeScope.Event].Should().Equal("exception.type");
        scopes[AttributeScope.Link].Should().Equal("link.kind");
        scopes[AttributeScope.Instrumentation].Should().Equal("lib.lang");
        (await Names(QueryWindow.All, tenant: "other"))[AttributeScope.Span].Should().Equal("secret.key");
        (await Names(QueryWindow.All, tenant: "nobody"))[AttributeScope.Span].Should().BeEmpty();
    }

    [Fact]
    public async Task Values_are_typed_and_formatted_like_tempo()
    {
        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "http.status_code"))).Should()
            .Equal(new TypedTagValue(TagValueType.Int, "200"), new TypedTagValue(TagValueType.Int, "500"));
        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "ratio"))).Should().Equal(new TypedTagValue(TagValueType.Float, "1.2345675e+06"));
        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "cached"))).Should().Equal(new TypedTagValue(TagValueType.Bool, "true"));
        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "tags"))).Should().BeEmpty("arrays are discoverable by name only");
        (await Values(TagIdentifier.Unscoped("service.name"))).Should().Equal(new TypedTagValue(TagValueType.String, "cart"));
        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "service.name"))).Should().BeEmpty("it is a resource attribute");
        (await Values(TagIdentifier.Attribute(AttributeScope.Event, "exception.type"))).Should().Equal(new TypedTagValue(TagValueType.String, "IOError"));
        (await Values(TagIdentifier.Attribute(AttributeScope.Link, "link.kind"))).Should().Equal(new TypedTagValue(TagValueType.String, "follows"));
    }

    [Fact]
    public async Task Intrinsic_values_come_from_span_names_status_messages_roots_events_and_scopes()
    {
        (await Values(TagIdentifier.Intrinsic(Intrinsics.Name))).Select(v => v.Value).Should().Equal("GET /cart", "SELECT");
        (await Values(TagIdentifier.Intrinsic(Intrinsics.RootName))).Select(v => v.Value).Should().Equal("GET /cart");
        (await Values(TagIdentifier.Intrinsic(Intrinsics.RootServiceName))).Select(v => v.Value).Should().Equal("cart");
        (await Values(TagIdentifier.Intrinsic(Intrinsics.StatusMessage))).Select(v => v.Value).Should().Equal("boom");
        (await Values(TagIdentifier.Intrinsic(Intrinsics.EventName))).Select(v => v.Value).Should().Equal("exception");
        (await Values(TagIdentifier.Intrinsic(Intrinsics.InstrumentationName))).Select(v => v.Value).Should().Equal("test-lib");
        (await Values(TagIdentifier.Intrinsic(Intrinsics.InstrumentationVersion))).Select(v => v.Value).Should().Equal("1.2.3");
        (await Values(TagIdentifier.Intrinsic(Intrinsics.Duration))).Should().BeEmpty();
    }

    [Fact]
    public async Task The_window_selects_the_minutes_tags_were_seen_in()
    {
        var start = BaseTime.ToUnixTimeSeconds();
        var firstMinute = new QueryWindow(start, start + 30);
        var laterMinutes = new QueryWindow(start + 240, start + 600);

        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "http.status_code"), firstMinute)).Select(v => v.Value).Should().Equal("200");
        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "http.status_code"), laterMinutes)).Select(v => v.Value).Should().Equal("500");
        (await Names(laterMinutes))[AttributeScope.Span].Should().Equal("http.status_code");
        (await Names(new QueryWindow(start + 3600, start + 7200)))[AttributeScope.Span].Should().BeEmpty();
    }

    [Fact]
    public async Task Limits_cap_the_lists()
    {
        (await Names(QueryWindow.All, limit: 2))[AttributeScope.Span].Should().HaveCount(2);
        (await Values(TagIdentifier.Attribute(AttributeScope.Span, "http.status_code"), limit: 1)).Should().HaveCount(1);
    }
}
