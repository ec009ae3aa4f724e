using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Query.Json;

namespace Tempo.Streaming.Query.Traces;

/// <summary>
/// Tempo's simplified trace JSON for <c>Accept: application/vnd.grafana.llm</c>
/// (<c>modules/frontend/combiner/llm_marshaler.go</c>, <c>traceByIDResponseToSimplifiedJSON</c>), field for field:
/// <code>
/// {"trace":{"traceId":"&lt;hex&gt;","services":[{"serviceName":"...","resource":{...},"scopes":[{"name":"...","version":"...",
///   "spans":[{"spanId":"&lt;hex&gt;","name":"...","parentSpanId":"&lt;hex&gt;","kind":"SPAN_KIND_SERVER",
///   "startTimeUnixNano":"...","endTimeUnixNano":"...","durationMs":1.5,"attributes":{...},
///   "events":[{"name":"...","timeUnixNano":"...","attributes":{...}}],"links":[{"traceId":"...","spanId":"...","attributes":{...}}],
///   "status":{"code":"STATUS_CODE_UNSET","message":""}}]}]}]},"metrics":{"inspectedBytes":123}}
/// </code>
/// Attributes are flat objects with keys in sorted order (Go marshals maps sorted; a repeated key keeps its last value);
/// values are plain JSON (int64 and double as numbers, bytes as hex, arrays and kvlists nested). <c>service.name</c>
/// moves from the resource object to <c>serviceName</c>. An absent or empty trace is <c>{}</c>. The response carries
/// no partial status (Tempo's format has none). Go's encoding/json cannot print NaN/±Inf and fails the request; here
/// they are written as the strings "NaN", "Infinity", "-Infinity" instead.
/// </summary>
internal static class LlmTraceWriter
{
    private const string ServiceNameKey = "service.name";

    public static void Write(Utf8JsonWriter writer, TraceLookupResult result)
    {
        var trace = result.Trace;
        if (trace is null || trace.ResourceSpans.Count == 0)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject();
        writer.WriteStartObject("trace");
        writer.WritePropertyName("traceId");
        var first = trace.ResourceSpans[0];
        if (first.ScopeSpans.Count > 0 && first.ScopeSpans[0].Spans.Count > 0)
        {
            TempoJson.WriteHexStringValue(writer, first.ScopeSpans[0].Spans[0].TraceId.Span);
        }
        else
        {
            writer.WriteStringValue(string.Empty);
        }

        writer.WriteStartArray("services");
        foreach (var batch in trace.ResourceSpans)
        {
            WriteService(writer, batch);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        if (result.InspectedBytes > 0)
        {
            writer.WriteStartObject("metrics");
            writer.WriteNumber("inspectedBytes", result.InspectedBytes);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteService(Utf8JsonWriter writer, ResourceSpans batch)
    {
        writer.WriteStartObject();
        var resourceAttributes = batch.Resource?.Attributes;
        using var resource = SortedAttributes.Of(resourceAttributes);
        var serviceName = resource.Find(ServiceNameKey);
        if (serviceName is { ValueCase: AnyValue.ValueOneofCase.StringValue, StringValue.Length: > 0 })
        {
            writer.WriteString("serviceName", serviceName.StringValue);
        }

        if (resource.CountExcept(ServiceNameKey) > 0)
        {
            writer.WritePropertyName("resource");
            resource.Write(writer, except: ServiceNameKey);
        }

        if (batch.ScopeSpans.Count > 0)
        {
            writer.WriteStartArray("scopes");
            foreach (var scopeSpans in batch.ScopeSpans)
            {
                writer.WriteStartObject();
                if (scopeSpans.Scope is { } scope)
                {
                    WriteNonEmpty(writer, "name", scope.Name);
                    WriteNonEmpty(writer, "version", scope.Version);
                }

                if (scopeSpans.Spans.Count > 0)
                {
                    writer.WriteStartArray("spans");
                    foreach (var span in scopeSpans.Spans)
                    {
                        WriteSpan(writer, span);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteSpan(Utf8JsonWriter writer, Span span)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("spanId");
        TempoJson.WriteHexStringValue(writer, span.SpanId.Span);
        writer.WriteString("name", span.Name);
        if (!span.ParentSpanId.IsEmpty)
        {
            writer.WritePropertyName("parentSpanId");
            TempoJson.WriteHexStringValue(writer, span.ParentSpanId.Span);
        }

        if (span.Kind != Span.Types.SpanKind.Unspecified)
        {
            writer.WriteString("kind", OtlpJsonpbWriter.SpanKindName(span.Kind));
        }

        WriteNanos(writer, "startTimeUnixNano", span.StartTimeUnixNano);
        WriteNanos(writer, "endTimeUnixNano", span.EndTimeUnixNano);
        if (span.StartTimeUnixNano > 0 && span.EndTimeUnixNano > 0)
        {
            // uint64 arithmetic as in Go: an end before the start wraps around.
            var durationMs = unchecked(span.EndTimeUnixNano - span.StartTimeUnixNano) / 1_000_000.0;
            if (durationMs != 0)
            {
                writer.WritePropertyName("durationMs");
                GoJsonFloat.WriteValue(writer, durationMs);
            }
        }

        WriteAttributeObject(writer, "attributes", span.Attributes);
        if (span.Events.Count > 0)
        {
            writer.WriteStartArray("events");
            foreach (var spanEvent in span.Events)
            {
                writer.WriteStartObject();
                writer.WriteString("name", spanEvent.Name);
                WriteNanos(writer, "timeUnixNano", spanEvent.TimeUnixNano);
                WriteAttributeObject(writer, "attributes", spanEvent.Attributes);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (span.Links.Count > 0)
        {
            writer.WriteStartArray("links");
            foreach (var link in span.Links)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("traceId");
                TempoJson.WriteHexStringValue(writer, link.TraceId.Span);
                writer.WritePropertyName("spanId");
                TempoJson.WriteHexStringValue(writer, link.SpanId.Span);
                WriteAttributeObject(writer, "attributes", link.Attributes);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteStartObject("status");
        if (span.Status is { Code: not Status.Types.StatusCode.Unset } status)
        {
            writer.WriteString("code", OtlpJsonpbWriter.StatusCodeName(status.Code));
            writer.WriteString("message", status.Message);
        }
        else
        {
            writer.WriteString("code", "STATUS_CODE_UNSET");
            writer.WriteString("message", string.Empty);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteAttributeObject(Utf8JsonWriter writer, string name, RepeatedField<KeyValue> attributes)
    {
        if (attributes.Count == 0)
        {
            return;
        }

        // Go's omitempty drops an empty map: attributes that all lack a value print nothing.
        using var sorted = SortedAttributes.Of(attributes);
        if (sorted.CountExcept(null) > 0)
        {
            writer.WritePropertyName(name);
            sorted.Write(writer, except: null);
        }
    }

    private static void WriteAnyValue(Utf8JsonWriter writer, AnyValue? value)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                writer.WriteNumberValue(value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                GoJsonFloat.WriteValue(writer, value.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                TempoJson.WriteHexStringValue(writer, value.BytesValue.Span);
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue.Values)
                {
                    WriteAnyValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                using (var nested = SortedAttributes.Of(value.KvlistValue.Values))
                {
                    nested.Write(writer, except: null);
                }

                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteNanos(Utf8JsonWriter writer, string name, ulong nanos)
    {
        if (nanos > 0)
        {
            writer.WriteString(name, nanos.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteNonEmpty(Utf8JsonWriter writer, string name, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>
    /// A Go <c>map[string]any</c> built from a KeyValue list: entries without a value are skipped, a repeated key keeps
    /// its last value, keys print in sorted order. Backed by a pooled array.
    /// </summary>
    private readonly struct SortedAttributes : IDisposable
    {
        private static readonly IComparer<Entry> ByKeyThenPosition = Comparer<Entry>.Create(static (a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : a.Position.CompareTo(b.Position);
        });

        private readonly Entry[] _entries;
        private readonly int _count;

        private SortedAttributes(Entry[] entries, int count)
        {
            _entries = entries;
            _count = count;
        }

        public static SortedAttributes Of(RepeatedField<KeyValue>? attributes)
        {
            if (attributes is null || attributes.Count == 0)
            {
                return new SortedAttributes([], 0);
            }

            var entries = ArrayPool<Entry>.Shared.Rent(attributes.Count);
            var count = 0;
            for (var i = 0; i < attributes.Count; i++)
            {
                if (attributes[i].Value is { } value)
                {
                    entries[count++] = new Entry(attributes[i].Key, i, value);
                }
            }

            Array.Sort(entries, 0, count, ByKeyThenPosition);
            return new SortedAttributes(entries, count);
        }

        /// <summary>The value a map lookup would give: the last one for the key, or null.</summary>
        public AnyValue? Find(string key)
        {
            AnyValue? found = null;
            for (var i = 0; i < _count; i++)
            {
                if (_entries[i].Key == key)
                {
                    found = _entries[i].Value;
                }
            }

            return found;
        }

        public int CountExcept(string? key)
        {
            var distinct = 0;
            for (var i = 0; i < _count; i++)
            {
                if (IsLastOfKey(i) && _entries[i].Key != key)
                {
                    distinct++;
                }
            }

            return distinct;
        }

        public void Write(Utf8JsonWriter writer, string? except)
        {
            writer.WriteStartObject();
            for (var i = 0; i < _count; i++)
            {
                if (!IsLastOfKey(i) || _entries[i].Key == except)
                {
                    continue;
                }

                writer.WritePropertyName(_entries[i].Key);
                WriteAnyValue(writer, _entries[i].Value);
            }

            writer.WriteEndObject();
        }

        public void Dispose()
        {
            if (_entries.Length > 0)
            {
                Array.Clear(_entries, 0, _count);
                ArrayPool<Entry>.Shared.Return(_entries);
            }
        }

        private bool IsLastOfKey(int i) => i + 1 >= _count || _entries[i + 1].Key != _entries[i].Key;
    }

    private readonly record struct Entry(string Key, int Position, AnyValue Value);
}
