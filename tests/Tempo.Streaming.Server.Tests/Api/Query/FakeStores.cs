using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Server.Tests.QueryApi;

/// <summary>A trace store holding marshalled tempopb.Trace fragments per (tenant, trace ID); it records every lookup.</summary>
internal sealed class FakeTraceStore : ITraceFragmentSource
{
    private readonly Dictionary<(string Tenant, string TraceId), List<byte[]>> _fragments = [];

    public List<(string Tenant, string TraceId, QueryWindow Window)> Lookups { get; } = [];

    public FakeTraceStore Add(string tenant, byte[] traceId, Tempo.Streaming.Tempopb.Trace fragment)
    {
        var key = (tenant, Convert.ToHexStringLower(traceId));
        if (!_fragments.TryGetValue(key, out var list))
        {
            _fragments[key] = list = [];
        }

        list.Add(fragment.ToByteArray());
        return this;
    }

    public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        CancellationToken cancellationToken)
    {
        var hex = Convert.ToHexStringLower(traceId.Span);
        lock (Lookups)
        {
            Lookups.Add((tenant, hex, window));
        }

        return ValueTask.FromResult(_fragments.TryGetValue((tenant, hex), out var list)
            ? new TraceFragments(list.Select(f => (ReadOnlyMemory<byte>)f).ToList(), list.Sum(f => f.Length))
            : TraceFragments.None);
    }

    public static Tempo.Streaming.Tempopb.Trace Fragment(byte[] traceId, string service, params (byte[] SpanId, string Name)[] spans)
    {
        var scopeSpans = new ScopeSpans();
        foreach (var (spanId, name) in spans)
        {
            scopeSpans.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(traceId),
                SpanId = ByteString.CopyFrom(spanId),
                Name = name,
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = 1_700_000_000_000_000_000,
                EndTimeUnixNano = 1_700_000_000_500_000_000,
            });
        }

        var resourceSpans = new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
        };
        resourceSpans.ScopeSpans.Add(scopeSpans);
        var trace = new Tempo.Streaming.Tempopb.Trace();
        trace.ResourceSpans.Add(resourceSpans);
        return trace;
    }
}

/// <summary>A tag store answering from fixed lists; it records every query.</summary>
internal sealed class FakeTagStore : ITagSource
{
    public Dictionary<AttributeScope, string[]> Names { get; } = [];

    public Dictionary<TagIdentifier, TypedTagValue[]> Values { get; } = [];

    public List<object> Queries { get; } = [];

    public ValueTask<TagNamesResult> GetTagNamesAsync(TagNamesQuery query, CancellationToken cancellationToken)
    {
        Queries.Add(query);
        var scopes = query.Scopes.Where(Names.ContainsKey)
            .ToDictionary(s => s, s => (IReadOnlyList<string>)Names[s].Order(StringComparer.Ordinal).ToList());
        return ValueTask.FromResult(new TagNamesResult(scopes, 1234));
    }

    public ValueTask<TagValuesResult> GetTagValuesAsync(TagValuesQuery query, CancellationToken cancellationToken)
    {
        Queries.Add(query);
        return ValueTask.FromResult(new TagValuesResult(Values.TryGetValue(query.Tag, out var values) ? values : [], 99));
    }
}

/// <summary>A store whose disk failed: every read throws.</summary>
internal sealed class FailingStore : ITraceFragmentSource, ITagSource
{
    public const string Message = "rocksdb: IO error: read failed";

    public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        CancellationToken cancellationToken) => throw new IOException(Message);

    public ValueTask<TagNamesResult> GetTagNamesAsync(TagNamesQuery query, CancellationToken cancellationToken) =>
        throw new IOException(Message);

    public ValueTask<TagValuesResult> GetTagValuesAsync(TagValuesQuery query, CancellationToken cancellationToken) =>
        throw new IOException(Message);
}
