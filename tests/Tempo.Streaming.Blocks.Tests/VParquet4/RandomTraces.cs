using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Meta;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

/// <summary>
/// Deterministic random traces that exercise every part of the vParquet4 mapping: well-known resource and span
/// attributes, dedicated columns, scalars and arrays of every type, empty strings and empty arrays, unsupported
/// values (kvlist, bytes, mixed arrays), events with attributes, links, every span kind and status, scope attributes,
/// dropped counts, several resources and scopes per trace, Zipkin-style shared span IDs.
/// </summary>
internal sealed class RandomTraces
{
    /// <summary>Dedicated columns the traces use: resource <c>ip</c>, span <c>instance</c> and <c>region</c>.</summary>
    public static readonly DedicatedColumn[] DedicatedColumns =
    [
        new(DedicatedColumn.ScopeResource, "ip", DedicatedColumn.TypeString),
        new(DedicatedColumn.ScopeSpan, "instance", DedicatedColumn.TypeString),
        new(DedicatedColumn.ScopeSpan, "region", DedicatedColumn.TypeString),
    ];

    private static readonly string[] Services = ["frontend", "cart", "checkout", "payment", "shipping"];
    private static readonly string[] Names = ["GET /", "POST /cart", "SELECT orders", "charge", "", "ship ✈ 配送"];
    private readonly Random _random;

    public RandomTraces(int seed) => _random = new Random(seed);

    public byte[] NextTraceId()
    {
        var id = new byte[16];
        _random.NextBytes(id);
        if (_random.Next(4) == 0)
        {
            // 64-bit (Jaeger/Zipkin) trace IDs: the upper half is zero.
            System.Array.Clear(id, 0, 8);
        }
        return id;
    }

    public Trace NextTrace(byte[] traceId, ulong baseTimeNanos)
    {
        var trace = new Trace();
        var traceIdBytes = ByteString.CopyFrom(traceId);
        var spanIds = new List<ByteString>();
        var batches = 1 + _random.Next(3);
        for (var b = 0; b < batches; b++)
        {
            var batch = new ResourceSpans { Resource = NextResource() };
            var scopes = 1 + _random.Next(2);
            for (var s = 0; s < scopes; s++)
            {
                var scope = new ScopeSpans
                {
                    Scope = new InstrumentationScope
                    {
                        Name = _random.Next(3) == 0 ? "" : "io.opentelemetry." + _random.Next(5),
                        Version = _random.Next(2) == 0 ? "" : "1." + _random.Next(10),
                        DroppedAttributesCount = (uint)_random.Next(2),
                    },
                };
                if (_random.Next(3) == 0)
                {
                    scope.Scope.Attributes.Add(NextAttribute("scope.attr"));
                }
                var spans = 1 + _random.Next(5);
                for (var i = 0; i < spans; i++)
                {
                    scope.Spans.Add(NextSpan(traceIdBytes, spanIds, baseTimeNanos, isFirst: b == 0 && s == 0 && i == 0));
                }
                batch.ScopeSpans.Add(scope);
            }
            trace.ResourceSpans.Add(batch);
        }
        return trace;
    }

    private Resource NextResource()
    {
        var resource = new Resource { DroppedAttributesCount = (uint)_random.Next(2) };
        resource.Attributes.Add(Str("service.name", Services[_random.Next(Services.Length)]));
        if (_random.Next(2) == 0)
        {
            resource.Attributes.Add(Str("k8s.pod.name", "pod-" + _random.Next(100)));
        }
        if (_random.Next(3) == 0)
        {
            resource.Attributes.Add(Str("cluster", "prod"));
        }
        if (_random.Next(2) == 0)
        {
            resource.Attributes.Add(Str("ip", "10.0.0." + _random.Next(255)));
        }
        if (_random.Next(4) == 0)
        {
            // A dedicated key with a non-string value stays generic.
            resource.Attributes.Add(new KeyValue { Key = "ip", Value = new AnyValue { IntValue = 7 } });
        }
        resource.Attributes.Add(NextAttribute("host.arch"));
        return resource;
    }

    private Span NextSpan(ByteString traceId, List<ByteString> spanIds, ulong baseTimeNanos, bool isFirst)
    {
        var start = baseTimeNanos + (ulong)_random.Next(1_000_000_000);
        var span = new Span
        {
            TraceId = traceId,
            SpanId = NextSpanId(spanIds),
            Name = Names[_random.Next(Names.Length)],
            Kind = (Span.Types.SpanKind)_random.Next(6),
            TraceState = _random.Next(4) == 0 ? "rojo=00f067aa0ba902b7" : "",
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + (ulong)_random.Next(50_000_000),
            Status = new Status
            {
                Code = (Status.Types.StatusCode)_random.Next(3),
                Message = _random.Next(3) == 0 ? "boom" : "",
            },
            DroppedAttributesCount = (uint)_random.Next(3),
            DroppedEventsCount = (uint)_random.Next(2),
            DroppedLinksCount = (uint)_random.Next(2),
        };
        if (!isFirst && spanIds.Count > 1)
        {
            span.ParentSpanId = spanIds[_random.Next(spanIds.Count - 1)];
        }

        if (_random.Next(2) == 0)
        {
            span.Attributes.Add(Str("http.method", "GET"));
            span.Attributes.Add(Str("http.url", "http://shop/" + _random.Next(20)));
            span.Attributes.Add(new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 + _random.Next(400) } });
        }
        if (_random.Next(5) == 0)
        {
            // Well-known keys with the "wrong" type stay generic.
            span.Attributes.Add(new KeyValue { Key = "http.status_code", Value = new AnyValue { StringValue = "OK" } });
        }
        if (_random.Next(2) == 0)
        {
            span.Attributes.Add(Str("instance", "i-" + _random.Next(50)));
        }
        if (_random.Next(3) == 0)
        {
            span.Attributes.Add(Str("region", _random.Next(2) == 0 ? "" : "eu-west-1"));
        }
        var generic = _random.Next(6);
        for (var i = 0; i < generic; i++)
        {
            span.Attributes.Add(NextAttribute("attr." + i));
        }

        var events = _random.Next(3);
        for (var i = 0; i < events; i++)
        {
            var spanEvent = new Span.Types.Event
            {
                Name = i == 0 ? "exception" : "",
                TimeUnixNano = start + (ulong)_random.Next(1_000_000),
                DroppedAttributesCount = (uint)_random.Next(2),
            };
            if (_random.Next(2) == 0)
            {
                spanEvent.Attributes.Add(NextAttribute("exception.message"));
            }
            span.Events.Add(spanEvent);
        }

        if (_random.Next(4) == 0)
        {
            var link = new Span.Types.Link
            {
                TraceId = ByteString.CopyFrom(NextTraceId()),
                SpanId = NextSpanId([]),
                TraceState = _random.Next(2) == 0 ? "" : "congo=t61rcWkgMzE",
                DroppedAttributesCount = (uint)_random.Next(2),
            };
            link.Attributes.Add(NextAttribute("link.kind"));
            span.Links.Add(link);
        }
        return span;
    }

    private ByteString NextSpanId(List<ByteString> spanIds)
    {
        if (spanIds.Count > 2 && _random.Next(10) == 0)
        {
            // Zipkin shares one span ID between the client and the server span.
            return spanIds[^1];
        }
        var id = new byte[8];
        _random.NextBytes(id);
        var value = ByteString.CopyFrom(id);
        spanIds.Add(value);
        return value;
    }

    private KeyValue NextAttribute(string key)
    {
        var value = _random.Next(14) switch
        {
            0 => new AnyValue { StringValue = "" },
            1 => new AnyValue { StringValue = "value-" + _random.Next(1000) },
            2 => new AnyValue { IntValue = _random.NextInt64(long.MinValue, long.MaxValue) },
            3 => new AnyValue { DoubleValue = _random.NextDouble() * 1e6 },
            4 => new AnyValue { BoolValue = _random.Next(2) == 0 },
            5 => Array(new AnyValue { StringValue = "a" }, new AnyValue { StringValue = "" }, new AnyValue { StringValue = "c" }),
            6 => Array(new AnyValue { IntValue = 1 }, new AnyValue { IntValue = -2 }),
            7 => Array(new AnyValue { DoubleValue = 1.5 }),
            8 => Array(new AnyValue { BoolValue = true }, new AnyValue { BoolValue = false }),
            9 => new AnyValue { ArrayValue = new ArrayValue() },
            10 => new AnyValue { KvlistValue = new KeyValueList { Values = { Str("nested", "x"), new KeyValue { Key = "n", Value = new AnyValue { IntValue = 3 } } } } },
            11 => new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) },
            12 => Array(new AnyValue { StringValue = "mixed" }, new AnyValue { IntValue = 1 }),
            _ => new AnyValue { StringValue = "ünïcødé ✓" },
        };
        return new KeyValue { Key = key, Value = value };
    }

    private static AnyValue Array(params AnyValue[] values)
    {
        var array = new ArrayValue();
        array.Values.Add(values);
        return new AnyValue { ArrayValue = array };
    }

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
