using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>
/// Builds small hand-made OTLP traces for oracle self-tests: spans are added with their service and scope, and the
/// trace is laid out as one batch per service and one scope-spans per scope, as exporters do.
/// </summary>
public sealed class TinyTrace(string traceIdHex)
{
    private readonly byte[] _traceId = Convert.FromHexString(traceIdHex);
    private readonly Dictionary<string, Resource> _resources = [];
    private readonly Dictionary<string, InstrumentationScope> _scopes = [];
    private readonly List<(string Service, string Scope, Span Span)> _spans = [];

    /// <summary>Declares a service's resource attributes (service.name is added).</summary>
    public TinyTrace Resource(string service, params (string Key, object Value)[] attributes)
    {
        var resource = new Resource();
        resource.Attributes.Add(Attr("service.name", service));
        resource.Attributes.Add(attributes.Select(a => Attr(a.Key, a.Value)));
        _resources[service] = resource;
        return this;
    }

    /// <summary>Declares an instrumentation scope.</summary>
    public TinyTrace Scope(string name, string version, params (string Key, object Value)[] attributes)
    {
        var scope = new InstrumentationScope { Name = name, Version = version };
        scope.Attributes.Add(attributes.Select(a => Attr(a.Key, a.Value)));
        _scopes[name] = scope;
        return this;
    }

    /// <summary>Adds a span; times are in milliseconds after <paramref name="baseUnixNano"/>.</summary>
    public TinyTrace Span(
        string spanIdHex, string? parentIdHex, string service, string scope, string name, Span.Types.SpanKind kind,
        double startMs, double endMs, ulong baseUnixNano, Action<Span>? configure = null)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(_traceId),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanIdHex)),
            ParentSpanId = parentIdHex is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(parentIdHex)),
            Name = name,
            Kind = kind,
            StartTimeUnixNano = baseUnixNano + (ulong)(startMs * 1_000_000),
            EndTimeUnixNano = baseUnixNano + (ulong)(endMs * 1_000_000),
        };
        configure?.Invoke(span);
        _spans.Add((service, scope, span));
        return this;
    }

    public Trace Build()
    {
        var trace = new Trace();
        foreach (var service in _spans.Select(s => s.Service).Distinct())
        {
            var batch = new ResourceSpans
            {
                Resource = _resources.TryGetValue(service, out var resource) ? resource.Clone() : new Resource(),
            };
            foreach (var scope in _spans.Where(s => s.Service == service).Select(s => s.Scope).Distinct())
            {
                var scopeSpans = new ScopeSpans
                {
                    Scope = _scopes.TryGetValue(scope, out var known) ? known.Clone() : new InstrumentationScope { Name = scope },
                };
                scopeSpans.Spans.Add(_spans.Where(s => s.Service == service && s.Scope == scope).Select(s => s.Span.Clone()));
                batch.ScopeSpans.Add(scopeSpans);
            }
            trace.ResourceSpans.Add(batch);
        }
        return trace;
    }

    /// <summary>An attribute from a string, int, long, double or bool.</summary>
    public static KeyValue Attr(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            int i => new AnyValue { IntValue = i },
            long l => new AnyValue { IntValue = l },
            double d => new AnyValue { DoubleValue = d },
            bool b => new AnyValue { BoolValue = b },
            _ => throw new ArgumentException($"unsupported attribute value {value.GetType().Name}", nameof(value)),
        },
    };

    public static void Attrs(Span span, params (string Key, object Value)[] attributes) =>
        span.Attributes.Add(attributes.Select(a => Attr(a.Key, a.Value)));

    public static Span.Types.Event Event(string name, ulong timeUnixNano, params (string Key, object Value)[] attributes)
    {
        var e = new Span.Types.Event { Name = name, TimeUnixNano = timeUnixNano };
        e.Attributes.Add(attributes.Select(a => Attr(a.Key, a.Value)));
        return e;
    }

    public static Span.Types.Link Link(string traceIdHex, string spanIdHex, params (string Key, object Value)[] attributes)
    {
        var link = new Span.Types.Link
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceIdHex)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanIdHex)),
        };
        link.Attributes.Add(attributes.Select(a => Attr(a.Key, a.Value)));
        return link;
    }
}
