using System.Net;
using System.Text.Json;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Tempo.Streaming.IntegrationTests.LiveStore;

namespace Tempo.Streaming.IntegrationTests.Query;

/// <summary>
/// Tag discovery on recent data, end to end: after the shop workload was pushed, the tag routes list exactly the
/// attribute names and values the generator used (regenerated from its seed), the intrinsic keyword lists, and the v1
/// string forms.
/// </summary>
[Collection(ShopLiveStoreCollection.Name)]
public sealed class ShopTagTests(ShopLiveStoreFixture shop)
{
    private readonly Lazy<PushedTags> _pushed = new(() => PushedTags.Of(shop));

    [Fact]
    public async Task V2_tags_list_each_scope_s_attribute_names_the_generator_used()
    {
        var response = await shop.Client.GetAsync("/api/v2/search/tags");
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        var scopes = ReadScopes(response.Text);

        var pushed = _pushed.Value;
        scopes.Should().ContainKey("resource").WhoseValue.Should().BeEquivalentTo(pushed.ResourceKeys);
        scopes.Should().ContainKey("span").WhoseValue.Should().BeEquivalentTo(pushed.SpanKeys);
        (scopes.GetValueOrDefault("event") ?? []).Should().BeEquivalentTo(pushed.EventKeys);
        (scopes.GetValueOrDefault("link") ?? []).Should().BeEquivalentTo(pushed.LinkKeys);
        (scopes.GetValueOrDefault("instrumentation") ?? []).Should().BeEquivalentTo(pushed.ScopeKeys);
        scopes.Should().ContainKey("intrinsic").WhoseValue.Should().Contain(["duration", "kind", "name", "status", "statusMessage",
            "rootName", "rootServiceName", "traceDuration"]);

        pushed.ResourceKeys.Should().Contain(["service.name", "k8s.pod.name"], "the comparison is not vacuous");
        pushed.SpanKeys.Should().Contain("http.request.method");
        pushed.EventKeys.Should().NotBeEmpty("the shop workload records exception events");
        pushed.LinkKeys.Should().NotBeEmpty("the shop workload links sessions and consumer batches");

        // one scope at a time answers that scope alone
        var resourceOnly = await shop.Client.GetAsync("/api/v2/search/tags?scope=resource");
        resourceOnly.Status.Should().Be(HttpStatusCode.OK, resourceOnly.ToString());
        var only = ReadScopes(resourceOnly.Text);
        only.Keys.Should().Equal("resource");
        only["resource"].Should().BeEquivalentTo(pushed.ResourceKeys);
    }

    [Fact]
    public async Task V1_tags_list_the_resource_and_span_attribute_names()
    {
        var response = await shop.Client.GetAsync("/api/search/tags");
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        using var json = JsonDocument.Parse(response.Text);
        var names = json.RootElement.GetProperty("tagNames").EnumerateArray().Select(e => e.GetString()!).ToList();
        names.Should().OnlyHaveUniqueItems();
        var pushed = _pushed.Value;
        names.Should().Contain(pushed.ResourceKeys).And.Contain(pushed.SpanKeys);
        names.Should().BeSubsetOf(pushed.ResourceKeys.Concat(pushed.SpanKeys).Concat(pushed.EventKeys).Concat(pushed.LinkKeys).Concat(pushed.ScopeKeys),
            "v1 lists attribute names only");
    }

    [Fact]
    public async Task V2_service_name_values_are_exactly_the_eight_services()
    {
        var values = await TypedValuesAsync("/api/v2/search/tag/resource.service.name/values");
        values.Should().OnlyContain(v => v.Type == "string");
        values.Select(v => v.Value).Should().BeEquivalentTo(ShopWorkload.ServiceNames);
        _pushed.Value.ServiceNames.Should().BeEquivalentTo(ShopWorkload.ServiceNames, $"{ShopLiveStoreFixture.TraceCount} shop traces reach every service");
    }

    [Fact]
    public async Task V2_span_name_values_are_the_generated_span_names()
    {
        var values = await TypedValuesAsync("/api/v2/search/tag/name/values");
        values.Should().OnlyContain(v => v.Type == "string");
        values.Select(v => v.Value).Should().BeEquivalentTo(_pushed.Value.SpanNames);
    }

    [Fact]
    public async Task V2_attribute_values_keep_their_types()
    {
        // http.response.status_code is an int attribute in the shop workload
        var pushed = _pushed.Value.SpanValues("http.response.status_code");
        pushed.Should().NotBeEmpty();
        var values = await TypedValuesAsync("/api/v2/search/tag/span.http.response.status_code/values");
        values.Should().BeEquivalentTo(pushed);
    }

    [Fact]
    public async Task V2_status_and_kind_are_keyword_lists()
    {
        var status = await TypedValuesAsync("/api/v2/search/tag/status/values");
        status.Should().OnlyContain(v => v.Type == "keyword");
        status.Select(v => v.Value).Should().BeEquivalentTo(["ok", "error", "unset"]);

        var kind = await TypedValuesAsync("/api/v2/search/tag/kind/values");
        kind.Should().OnlyContain(v => v.Type == "keyword");
        kind.Select(v => v.Value).Should().BeEquivalentTo(["unspecified", "internal", "server", "client", "producer", "consumer"]);
    }

    [Fact]
    public async Task V1_service_name_values_are_plain_strings()
    {
        var response = await shop.Client.GetAsync("/api/search/tag/service.name/values");
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        using var json = JsonDocument.Parse(response.Text);
        var values = json.RootElement.GetProperty("tagValues").EnumerateArray().ToList();
        values.Should().OnlyContain(v => v.ValueKind == JsonValueKind.String);
        values.Select(v => v.GetString()).Should().BeEquivalentTo(ShopWorkload.ServiceNames);
    }

    private async Task<List<TypedValue>> TypedValuesAsync(string path)
    {
        var response = await shop.Client.GetAsync(path);
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        using var json = JsonDocument.Parse(response.Text);
        var values = json.RootElement.GetProperty("tagValues").EnumerateArray()
            .Select(v => new TypedValue(v.GetProperty("type").GetString()!, v.GetProperty("value").GetString()!))
            .ToList();
        values.Should().OnlyHaveUniqueItems($"{path} lists distinct values");
        return values;
    }

    private static Dictionary<string, List<string>> ReadScopes(string text)
    {
        using var json = JsonDocument.Parse(text);
        var scopes = new Dictionary<string, List<string>>();
        foreach (var scope in json.RootElement.GetProperty("scopes").EnumerateArray())
        {
            var name = scope.GetProperty("name").GetString()!;
            var tags = scope.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
            tags.Should().OnlyHaveUniqueItems($"scope {name} lists distinct names");
            scopes.TryAdd(name, tags).Should().BeTrue($"scope {name} is listed once");
        }
        return scopes;
    }

    private sealed record TypedValue(string Type, string Value);

    /// <summary>Attribute names and values of every acknowledged trace, regenerated from the workload's seed.</summary>
    private sealed class PushedTags
    {
        public HashSet<string> ResourceKeys { get; } = [];
        public HashSet<string> SpanKeys { get; } = [];
        public HashSet<string> EventKeys { get; } = [];
        public HashSet<string> LinkKeys { get; } = [];
        public HashSet<string> ScopeKeys { get; } = [];
        public HashSet<string> SpanNames { get; } = [];
        public HashSet<string> ServiceNames { get; } = [];
        private readonly List<KeyValue> _spanAttributes = [];

        public static PushedTags Of(ShopLiveStoreFixture shop)
        {
            var tags = new PushedTags();
            foreach (var index in shop.Acknowledged.Keys)
            {
                foreach (var rs in shop.Workload.GenerateTrace(index).ResourceSpans)
                {
                    foreach (var kv in rs.Resource.Attributes)
                    {
                        tags.ResourceKeys.Add(kv.Key);
                        if (kv.Key == "service.name") tags.ServiceNames.Add(kv.Value.StringValue);
                    }
                    foreach (var ss in rs.ScopeSpans)
                    {
                        foreach (var kv in ss.Scope?.Attributes ?? []) tags.ScopeKeys.Add(kv.Key);
                        foreach (var span in ss.Spans)
                        {
                            tags.SpanNames.Add(span.Name);
                            foreach (var kv in span.Attributes)
                            {
                                tags.SpanKeys.Add(kv.Key);
                                tags._spanAttributes.Add(kv);
                            }
                            foreach (var e in span.Events)
                            foreach (var kv in e.Attributes) tags.EventKeys.Add(kv.Key);
                            foreach (var l in span.Links)
                            foreach (var kv in l.Attributes) tags.LinkKeys.Add(kv.Key);
                        }
                    }
                }
            }
            return tags;
        }

        /// <summary>The distinct values of a span attribute, typed as Tempo's v2 tag values name them.</summary>
        public List<TypedValue> SpanValues(string key)
        {
            var values = new HashSet<TypedValue>();
            foreach (var kv in _spanAttributes)
            {
                if (kv.Key != key) continue;
                values.Add(kv.Value.ValueCase switch
                {
                    AnyValue.ValueOneofCase.StringValue => new TypedValue("string", kv.Value.StringValue),
                    AnyValue.ValueOneofCase.IntValue => new TypedValue("int", kv.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    AnyValue.ValueOneofCase.BoolValue => new TypedValue("bool", kv.Value.BoolValue ? "true" : "false"),
                    _ => throw new InvalidOperationException($"{key} has a {kv.Value.ValueCase} value; this check handles string, int and bool"),
                });
            }
            return [.. values];
        }
    }
}
