using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Tempo.Streaming.Receivers.Tests.Support;

/// <summary>
/// The reference the transcoder is checked against: Google.Protobuf's JsonParser (proto3 JSON, base64 bytes) and
/// <c>ToByteArray()</c>, and generators of OTLP/JSON in every spelling the mapping allows.
/// </summary>
public static class OtlpJsonReference
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(256));
    private static readonly string[] IdKeys = ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"];
    private static readonly string[] Int64Keys = ["startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue"];
    private static readonly string[] UInt32Keys =
        ["droppedAttributesCount", "droppedEventsCount", "droppedLinksCount", "flags"];

    /// <summary>What JsonParser makes of OTLP/JSON once its hex IDs are rewritten as base64 (no duplicate keys).</summary>
    public static byte[] ViaJsonParser(string otlpJson)
    {
        var node = JsonNode.Parse(otlpJson)!;
        RewriteIds(node, hexToBase64: true);
        return Parser.Parse<ExportTraceServiceRequest>(node.ToJsonString()).ToByteArray();
    }

    /// <summary>JsonParser on proto3 JSON as given (base64 IDs or none).</summary>
    public static byte[] JsonParserBytes(string proto3Json) => Parser.Parse<ExportTraceServiceRequest>(proto3Json).ToByteArray();

    /// <summary>
    /// OTLP/JSON for <paramref name="request"/>, spelled at random: hex IDs in either case, keys in lowerCamelCase or
    /// proto names, members shuffled, 64-bit integers as strings or numbers, uint32 as numbers or strings, enums as
    /// names or integers, explicit defaults (null for unset messages), unknown members, whitespace.
    /// </summary>
    public static string ToOtlpJson(ExportTraceServiceRequest request, Random random)
    {
        var settings = JsonFormatter.Settings.Default.WithFormatDefaultValues(random.Next(2) == 0);
        var node = JsonNode.Parse(new JsonFormatter(settings).Format(request))!;
        RewriteIds(node, hexToBase64: false, random);
        node = Respell(node, random)!;
        return random.Next(3) == 0 ? node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) : node.ToJsonString();
    }

    public static ExportTraceServiceRequest RandomRequest(Random random)
    {
        var request = new ExportTraceServiceRequest();
        for (var r = random.Next(4); r > 0; r--)
        {
            var resourceSpans = new ResourceSpans { SchemaUrl = MaybeText(random) };
            if (random.Next(4) != 0)
            {
                resourceSpans.Resource = new Resource { DroppedAttributesCount = MaybeUInt(random) };
                resourceSpans.Resource.Attributes.Add(Attributes(random, 4));
                for (var e = random.Next(3); e > 0; e--)
                {
                    var entity = new EntityRef { SchemaUrl = MaybeText(random), Type = MaybeText(random) };
                    entity.IdKeys.Add(Enumerable.Range(0, random.Next(3)).Select(_ => MaybeText(random)));
                    entity.DescriptionKeys.Add(Enumerable.Range(0, random.Next(3)).Select(_ => MaybeText(random)));
                    resourceSpans.Resource.EntityRefs.Add(entity);
                }
            }

            for (var s = random.Next(4); s > 0; s--)
            {
                var scopeSpans = new ScopeSpans { SchemaUrl = MaybeText(random) };
                if (random.Next(3) != 0)
                {
                    scopeSpans.Scope = new InstrumentationScope
                    {
                        Name = MaybeText(random), Version = MaybeText(random), DroppedAttributesCount = MaybeUInt(random),
                    };
                    scopeSpans.Scope.Attributes.Add(Attributes(random, 3));
                }

                for (var n = random.Next(5); n > 0; n--)
                {
                    scopeSpans.Spans.Add(RandomSpan(random));
                }

                resourceSpans.ScopeSpans.Add(scopeSpans);
            }

            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    private static Span RandomSpan(Random random)
    {
        var span = new Span
        {
            TraceId = Id(random, 16),
            SpanId = Id(random, 8),
            TraceState = MaybeText(random),
            ParentSpanId = Id(random, 8),
            Flags = MaybeUInt(random),
            Name = MaybeText(random),
            Kind = (Span.Types.SpanKind)(random.Next(8) == 0 ? random.Next(-3, 100) : random.Next(6)),
            StartTimeUnixNano = MaybeULong(random),
            EndTimeUnixNano = MaybeULong(random),
            DroppedAttributesCount = MaybeUInt(random),
            DroppedEventsCount = MaybeUInt(random),
            DroppedLinksCount = MaybeUInt(random),
        };
        span.Attributes.Add(Attributes(random, 6));
        for (var e = random.Next(3); e > 0; e--)
        {
            var spanEvent = new Span.Types.Event { TimeUnixNano = MaybeULong(random), Name = MaybeText(random), DroppedAttributesCount = MaybeUInt(random) };
            spanEvent.Attributes.Add(Attributes(random, 3));
            span.Events.Add(spanEvent);
        }

        for (var l = random.Next(3); l > 0; l--)
        {
            var link = new Span.Types.Link
            {
                TraceId = Id(random, 16), SpanId = Id(random, 8), TraceState = MaybeText(random), DroppedAttributesCount = MaybeUInt(random),
                Flags = MaybeUInt(random),
            };
            link.Attributes.Add(Attributes(random, 2));
            span.Links.Add(link);
        }

        if (random.Next(3) != 0)
        {
            span.Status = new Status { Message = MaybeText(random), Code = (Status.Types.StatusCode)random.Next(3) };
        }

        return span;
    }

    private static IEnumerable<KeyValue> Attributes(Random random, int max, int depth = 0)
    {
        var attributes = new List<KeyValue>();
        for (var i = random.Next(max + 1); i > 0; i--)
        {
            var keyValue = new KeyValue { Key = MaybeText(random) };
            if (random.Next(10) != 0)
            {
                keyValue.Value = RandomValue(random, depth);
            }

            attributes.Add(keyValue);
        }

        return attributes;
    }

    private static AnyValue RandomValue(Random random, int depth)
    {
        var value = new AnyValue();
        switch (random.Next(depth < 3 ? 9 : 7))
        {
            case 0:
                value.StringValue = MaybeText(random);
                break;
            case 1:
                value.BoolValue = random.Next(2) == 0;
                break;
            case 2:
                value.IntValue = random.Next(4) switch { 0 => 0, 1 => long.MinValue, 2 => random.NextInt64(-1000, 1000), _ => random.NextInt64() };
                break;
            case 3:
                value.DoubleValue = random.Next(6) switch
                {
                    0 => 0,
                    1 => double.NaN,
                    2 => double.PositiveInfinity,
                    3 => double.NegativeInfinity,
                    4 => double.Epsilon,
                    _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)),
                };
                break;
            case 4:
                value.BytesValue = ByteString.CopyFrom(RandomBytes(random, random.Next(0, 40)));
                break;
            case 5:
                break; // an AnyValue with nothing set: {}
            case 6:
                value.StringValue = new string('x', random.Next(0, 300)); // lengths around varint boundaries
                break;
            case 7:
                value.ArrayValue = new ArrayValue();
                for (var i = random.Next(4); i > 0; i--)
                {
                    value.ArrayValue.Values.Add(RandomValue(random, depth + 1));
                }

                break;
            default:
                value.KvlistValue = new KeyValueList();
                value.KvlistValue.Values.Add(Attributes(random, 3, depth + 1));
                break;
        }

        return value;
    }

    private static ByteString Id(Random random, int length) => random.Next(10) switch
    {
        0 => ByteString.Empty,
        1 => ByteString.CopyFrom(RandomBytes(random, random.Next(1, 20))), // wrong lengths pass to the distributor
        _ => ByteString.CopyFrom(RandomBytes(random, length)),
    };

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string MaybeText(Random random) => random.Next(6) switch
    {
        0 => "",
        1 => "caf\u00e9 \"quoted\" \\ back\\slash / tab\t nl\n \u0001 \u2028 \U0001F600 \u4e2d\u6587",
        2 => "GET /api/orders/{id}",
        _ => "name-" + random.Next(1000),
    };

    private static uint MaybeUInt(Random random) => random.Next(3) switch
    {
        0 => 0,
        1 => uint.MaxValue,
        _ => (uint)random.Next(1, 1000),
    };

    private static ulong MaybeULong(Random random) => random.Next(4) switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        _ => 1_700_000_000_000_000_000UL + (ulong)random.NextInt64(0, 1_000_000_000_000),
    };

    /// <summary>Base64 IDs (what JsonFormatter writes) to hex (OTLP/JSON), or back.</summary>
    private static void RewriteIds(JsonNode? node, bool hexToBase64, Random? random = null)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (IdKeys.Contains(key) && value is JsonValue id && id.TryGetValue<string>(out var text))
                    {
                        var bytes = hexToBase64 ? Convert.FromHexString(text) : Convert.FromBase64String(text);
                        var rewritten = hexToBase64 ? Convert.ToBase64String(bytes) : Convert.ToHexStringLower(bytes);
                        obj[key] = random?.Next(4) == 0 ? rewritten.ToUpperInvariant() : rewritten;
                    }
                    else
                    {
                        RewriteIds(value, hexToBase64, random);
                    }
                }

                break;
            case JsonArray array:
                foreach (var element in array)
                {
                    RewriteIds(element, hexToBase64, random);
                }

                break;
        }
    }

    private static JsonNode? Respell(JsonNode? node, Random random)
    {
        switch (node)
        {
            case JsonObject obj:
                var members = obj.ToList();
                obj.Clear();
                var respelled = new JsonObject();
                if (random.Next(4) != 0)
                {
                    members = [.. members.OrderBy(_ => random.Next())];
                }

                foreach (var (key, value) in members)
                {
                    respelled[random.Next(3) == 0 ? ProtoName(key) : key] = RespellValue(key, value, random);
                }

                if (random.Next(5) == 0)
                {
                    respelled["futureField" + random.Next(100)] = JsonNode.Parse("""{"nested":[1,"two",{"three":null},[true,false]],"x":-1.5e10}""");
                }

                return respelled;
            case JsonArray array:
                var elements = array.ToList();
                array.Clear();
                var copy = new JsonArray();
                foreach (var element in elements)
                {
                    copy.Add(Respell(element, random));
                }

                return copy;
            default:
                return node;
        }
    }

    private static JsonNode? RespellValue(string key, JsonNode? value, Random random)
    {
        if (value is not JsonValue scalar)
        {
            return Respell(value, random);
        }

        if (Int64Keys.Contains(key) && scalar.TryGetValue<string>(out var int64) && random.Next(2) == 0)
        {
            // Read exactly, unlike JsonParser (which reads JSON numbers through a double).
            return JsonNode.Parse(int64);
        }

        if (UInt32Keys.Contains(key) && scalar.TryGetValue<uint>(out var uint32) && random.Next(2) == 0)
        {
            return JsonValue.Create(uint32.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (key is "kind" or "code" && scalar.TryGetValue<string>(out var enumName) && random.Next(2) == 0)
        {
            return JsonValue.Create(EnumNumber(enumName));
        }

        return value.DeepClone();
    }

    private static int EnumNumber(string name) => name switch
    {
        "SPAN_KIND_UNSPECIFIED" or "STATUS_CODE_UNSET" => 0,
        "SPAN_KIND_INTERNAL" or "STATUS_CODE_OK" => 1,
        "SPAN_KIND_SERVER" or "STATUS_CODE_ERROR" => 2,
        "SPAN_KIND_CLIENT" => 3,
        "SPAN_KIND_PRODUCER" => 4,
        "SPAN_KIND_CONSUMER" => 5,
        _ => int.Parse(name, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string ProtoName(string jsonName)
    {
        var builder = new StringBuilder();
        foreach (var c in jsonName)
        {
            if (char.IsUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
