using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Tests.Traces;

/// <summary>Traces for the writer and combiner tests.</summary>
internal static class SampleTraces
{
    public static readonly byte[] TraceId = Convert.FromHexString("0af7651916cd43dd8448eb211c80319c");

    public static byte[] SpanIdOf(ulong id)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
        return bytes;
    }

    public static Span NewSpan(ulong id, ulong start, Span.Types.SpanKind kind = Span.Types.SpanKind.Internal, string? name = null) => new()
    {
        TraceId = ByteString.CopyFrom(TraceId),
        SpanId = ByteString.CopyFrom(SpanIdOf(id)),
        Name = name ?? $"span-{id}",
        Kind = kind,
        StartTimeUnixNano = start,
        EndTimeUnixNano = start + 1_000_000,
    };

    public static ResourceSpans Batch(string service, params Span[] spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "lib" } };
        scope.Spans.Add(spans);
        var batch = new ResourceSpans { Resource = new Resource() };
        batch.Resource.Attributes.Add(Attr("service.name", new AnyValue { StringValue = service }));
        batch.ScopeSpans.Add(scope);
        return batch;
    }

    public static Trace TraceOf(params ResourceSpans[] batches)
    {
        var trace = new Trace();
        trace.ResourceSpans.Add(batches);
        return trace;
    }

    public static KeyValue Attr(string key, AnyValue? value) => new() { Key = key, Value = value };

    /// <summary>
    /// One trace touching every field the JSON writers handle: every AnyValue kind (nested, empty, unset), events,
    /// links, each status variant, dropped counts, flags, trace state, entity refs, schema URLs and 64-bit extremes.
    /// </summary>
    public static Trace Everything()
    {
        var resource = new Resource { DroppedAttributesCount = 3 };
        resource.Attributes.Add(Attr("service.name", new AnyValue { StringValue = "checkout" }));
        resource.Attributes.Add(Attr("host.name", new AnyValue { StringValue = "node-1 <prod> & \"quoted\" ünïcode" }));
        var entity = new EntityRef { SchemaUrl = "https://opentelemetry.io/schemas/1.26.0", Type = "service" };
        entity.IdKeys.Add("service.name");
        entity.DescriptionKeys.Add("host.name");
        resource.EntityRefs.Add(entity);

        var scope = new InstrumentationScope { Name = "io.opentelemetry.http", Version = "1.2.3", DroppedAttributesCount = 1 };
        scope.Attributes.Add(Attr("scope.attr", new AnyValue { BoolValue = true }));

        var array = new ArrayValue();
        array.Values.Add(new AnyValue { StringValue = "a" });
        array.Values.Add(new AnyValue { IntValue = 2 });
        array.Values.Add(new AnyValue { DoubleValue = 0.5 });
        var kvlist = new KeyValueList();
        kvlist.Values.Add(Attr("inner", new AnyValue { BoolValue = false }));
        kvlist.Values.Add(Attr("nested", new AnyValue { ArrayValue = array.Clone() }));

        var server = NewSpan(1, 1_700_000_000_000_000_000, Span.Types.SpanKind.Server, "GET /checkout");
        server.TraceState = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
        server.Flags = 0x301;
        server.DroppedAttributesCount = 4;
        server.DroppedEventsCount = 5;
        server.DroppedLinksCount = 6;
        server.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom: \n line 2" };
        server.Attributes.Add(Attr("string", new AnyValue { StringValue = "value" }));
        server.Attributes.Add(Attr("empty.string", new AnyValue { StringValue = "" }));
        server.Attributes.Add(Attr("bool.false", new AnyValue { BoolValue = false }));
        server.Attributes.Add(Attr("int.zero", new AnyValue { IntValue = 0 }));
        server.Attributes.Add(Attr("int.min", new AnyValue { IntValue = long.MinValue }));
        server.Attributes.Add(Attr("int.max", new AnyValue { IntValue = long.MaxValue }));
        server.Attributes.Add(Attr("double", new AnyValue { DoubleValue = 3.25 }));
        server.Attributes.Add(Attr("double.tiny", new AnyValue { DoubleValue = 1e-7 }));
        server.Attributes.Add(Attr("double.huge", new AnyValue { DoubleValue = 1e21 }));
        server.Attributes.Add(Attr("double.nan", new AnyValue { DoubleValue = double.NaN }));
        server.Attributes.Add(Attr("double.inf", new AnyValue { DoubleValue = double.PositiveInfinity }));
        server.Attributes.Add(Attr("double.neginf", new AnyValue { DoubleValue = double.NegativeInfinity }));
        server.Attributes.Add(Attr("bytes", new AnyValue { BytesValue = ByteString.CopyFrom(0xde, 0xad, 0xbe, 0xef) }));
        server.Attributes.Add(Attr("bytes.empty", new AnyValue { BytesValue = ByteString.Empty }));
        server.Attributes.Add(Attr("array", new AnyValue { ArrayValue = array }));
        server.Attributes.Add(Attr("array.empty", new AnyValue { ArrayValue = new ArrayValue() }));
        server.Attributes.Add(Attr("kvlist", new AnyValue { KvlistValue = kvlist }));
        server.Attributes.Add(Attr("kvlist.empty", new AnyValue { KvlistValue = new KeyValueList() }));
        server.Attributes.Add(Attr("unset", new AnyValue()));
        server.Attributes.Add(Attr("no.value", null));
        server.Attributes.Add(Attr("string", new AnyValue { StringValue = "repeated key, last wins in LLM output" }));

        var exception = new Span.Types.Event { TimeUnixNano = 1_700_000_000_000_500_000, Name = "exception", DroppedAttributesCount = 2 };
        exception.Attributes.Add(Attr("exception.type", new AnyValue { StringValue = "TimeoutException" }));
        server.Events.Add(exception);
        server.Events.Add(new Span.Types.Event { Name = "no time" });

        var link = new Span.Types.Link
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString("ffffffffffffffffffffffffffffffff")),
            SpanId = ByteString.CopyFrom(SpanIdOf(0xfedcba9876543210)),
            TraceState = "k=v",
            DroppedAttributesCount = 7,
            Flags = 1,
        };
        link.Attributes.Add(Attr("link.attr", new AnyValue { IntValue = -1 }));
        server.Links.Add(link);
        server.Links.Add(new Span.Types.Link { SpanId = ByteString.CopyFrom(SpanIdOf(9)) });

        var client = NewSpan(2, 1_700_000_000_000_100_000, Span.Types.SpanKind.Client, "call payment");
        client.ParentSpanId = server.SpanId;
        client.Status = new Status(); // sent but empty: prints "status":{}
        client.EndTimeUnixNano = ulong.MaxValue;

        var ok = NewSpan(3, 1_700_000_000_000_200_000, Span.Types.SpanKind.Producer, "publish");
        ok.ParentSpanId = server.SpanId;
        ok.Status = new Status { Code = Status.Types.StatusCode.Ok };

        var unknownKind = NewSpan(4, 1_700_000_000_000_300_000, (Span.Types.SpanKind)9, "future kind");
        unknownKind.Status = new Status { Code = (Status.Types.StatusCode)7, Message = "future code" };

        var unspecified = NewSpan(5, 0, Span.Types.SpanKind.Unspecified, "");
        unspecified.EndTimeUnixNano = 0;

        var scopeSpans = new ScopeSpans { Scope = scope, SchemaUrl = "https://opentelemetry.io/schemas/1.21.0" };
        scopeSpans.Spans.Add([server, client, ok, unknownKind, unspecified]);
        var batch = new ResourceSpans { Resource = resource, SchemaUrl = "https://opentelemetry.io/schemas/1.20.0" };
        batch.ScopeSpans.Add(scopeSpans);

        // A second batch without a resource and with a scope-less, unnamed group.
        var bare = new ResourceSpans();
        var bareScope = new ScopeSpans();
        bareScope.Spans.Add(NewSpan(6, 1_700_000_000_001_000_000, Span.Types.SpanKind.Consumer, "consume"));
        bare.ScopeSpans.Add(bareScope);

        return TraceOf(batch, bare);
    }
}
