using System.Text.Json;
using Google.Protobuf;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>
/// Reads Tempo's trace JSON (gogo jsonpb over the OTLP types: camelCase names, <c>batches</c> for the resource spans,
/// IDs as base64 of the raw bytes, 64-bit integers as strings, enums by name). The shape is checked first — a
/// response with hex IDs, numeric timestamps or enum numbers fails even though a lenient proto3 JSON parser would
/// accept it — and the checked JSON is then read strictly (unknown fields fail) into the protobuf types.
/// </summary>
public static class TempoTraceJson
{
    private static readonly JsonParser Strict = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    /// <summary>The <c>/api/traces/{id}</c> body: <c>{"batches":[...]}</c>.</summary>
    public static Trace ParseV1(string json)
    {
        using (var document = JsonDocument.Parse(json))
        {
            var root = document.RootElement;
            root.ValueKind.Should().Be(JsonValueKind.Object);
            foreach (var property in root.EnumerateObject())
                property.Name.Should().Be("batches", "a v1 trace body holds only the batches");
            CheckShape(root, "$");
        }
        return Strict.Parse<Trace>(json);
    }

    /// <summary>
    /// The <c>/api/v2/traces/{id}</c> body: <c>{"trace":{"resourceSpans":[...]},"status":...,"metrics":...}</c>. Unlike v1,
    /// v2 names the list <c>resourceSpans</c> (OTLP's name; Tempo kept <c>batches</c> only for v1's compatibility, see
    /// grafana/tempo#3906 and the v2 announcement grafana/grafana#92464).
    /// </summary>
    public static TraceByIDResponse ParseV2(string json)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        using (var document = JsonDocument.Parse(json))
        {
            var element = document.RootElement;
            element.TryGetProperty("trace", out var trace).Should().BeTrue("a v2 answer carries the trace under \"trace\": " + json[..Math.Min(json.Length, 300)]);
            trace.TryGetProperty("resourceSpans", out _).Should().BeTrue("v2 uses OTLP's \"resourceSpans\" name");
            trace.TryGetProperty("batches", out _).Should().BeFalse("\"batches\" is the v1 name only");
            if (element.TryGetProperty("status", out var status))
                status.GetString().Should().BeOneOf("COMPLETE", "PARTIAL");
            CheckShape(element, "$");
        }

        // Our generated Trace knows the list by its JSON name "batches"; rename it to read the rest strictly.
        var traceNode = root["trace"]!.AsObject();
        var spans = traceNode["resourceSpans"];
        traceNode.Remove("resourceSpans");
        traceNode["batches"] = spans;
        return Strict.Parse<TraceByIDResponse>(root.ToJsonString());
    }

    private static void CheckShape(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var at = $"{path}.{property.Name}";
                    CheckField(property.Name, property.Value, at);
                    CheckShape(property.Value, at);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) CheckShape(item, $"{path}[{i++}]");
                break;
        }
    }

    private static void CheckField(string name, JsonElement value, string at)
    {
        switch (name)
        {
            case "traceId":
                Base64Bytes(value, at).Should().Be(16, $"{at} is the base64 of 16 ID bytes");
                break;
            case "spanId" or "parentSpanId":
                Base64Bytes(value, at).Should().Be(8, $"{at} is the base64 of 8 ID bytes");
                break;
            case "startTimeUnixNano" or "endTimeUnixNano" or "timeUnixNano" or "intValue" or "inspectedBytes":
                value.ValueKind.Should().Be(JsonValueKind.String, $"{at} is a 64-bit integer, which jsonpb writes as a string");
                long.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out _)
                    .Should().BeTrue($"{at} = {value} is a decimal integer");
                break;
            case "kind":
                value.ValueKind.Should().Be(JsonValueKind.String, $"{at} is an enum, written by name");
                value.GetString().Should().StartWith("SPAN_KIND_", at);
                break;
            case "code" when at.EndsWith(".status.code", StringComparison.Ordinal):
                value.ValueKind.Should().Be(JsonValueKind.String, $"{at} is an enum, written by name");
                value.GetString().Should().StartWith("STATUS_CODE_", at);
                break;
        }
    }

    private static int Base64Bytes(JsonElement value, string at)
    {
        value.ValueKind.Should().Be(JsonValueKind.String, at);
        var text = value.GetString()!;
        var buffer = new byte[text.Length];
        Convert.TryFromBase64String(text, buffer, out var written).Should().BeTrue($"{at} = \"{text}\" is base64");
        return written;
    }
}
