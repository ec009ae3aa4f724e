using System.Buffers;
using System.Text.Json;
using Tempo.Streaming.Query.Json;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Search;

/// <summary>
/// Writes <c>/api/search</c>'s answer as Tempo's frontend does: the search combiner's final <c>tempopb.SearchResponse</c>
/// through gogo's <c>jsonpb.Marshaler{}</c> (modules/frontend/combiner/common.go <c>HTTPFinal</c>). That means fields in
/// proto order under their lowerCamel JSON names (<c>traceID</c>, <c>rootServiceName</c>, <c>spanSets</c>, <c>spanID</c>,
/// <c>durationNanos</c>, ...), uint64 as strings, uint32 as numbers, zero scalars and empty strings left out, a nested
/// message printed whenever it is set (so an all-zero <c>metrics</c> is <c>{}</c>), map keys sorted.
/// <para>
/// jsonpb drops a repeated field only when the Go slice is nil. The combiner always hands it a non-nil <c>traces</c> slice,
/// so <c>"traces":[]</c> is printed for an empty result; the engine leaves the lists inside a trace nil when it has nothing
/// for them, so empty <c>spanSets</c>, <c>spans</c> and <c>attributes</c> are left out.
/// </para>
/// Sample (api_docs "Search", TraceQL example):
/// <c>{"traces":[{"traceID":"2f3e0cee77ae5dc9c17ade3689eb2e54","rootServiceName":"shop-backend","rootTraceName":"update-billing",
/// "startTimeUnixNano":"1684778327699392724","durationMs":557,"spanSets":[{"spans":[{"spanID":"563d623c76514f8e",
/// "startTimeUnixNano":"1684778327735077898","durationNanos":"446979497","attributes":[{"key":"status","value":
/// {"stringValue":"error"}}]}],"matched":1}]}],"metrics":{"totalBlocks":13}}</c>.
/// </summary>
public static class SearchResponseJson
{
    private static readonly JsonEncodedText Traces = JsonEncodedText.Encode("traces");
    private static readonly JsonEncodedText Metrics = JsonEncodedText.Encode("metrics");
    private static readonly JsonEncodedText TraceId = JsonEncodedText.Encode("traceID");
    private static readonly JsonEncodedText RootServiceName = JsonEncodedText.Encode("rootServiceName");
    private static readonly JsonEncodedText RootTraceName = JsonEncodedText.Encode("rootTraceName");
    private static readonly JsonEncodedText StartTimeUnixNano = JsonEncodedText.Encode("startTimeUnixNano");
    private static readonly JsonEncodedText DurationMs = JsonEncodedText.Encode("durationMs");
    private static readonly JsonEncodedText SpanSetName = JsonEncodedText.Encode("spanSet");
    private static readonly JsonEncodedText SpanSets = JsonEncodedText.Encode("spanSets");
    private static readonly JsonEncodedText ServiceStatsName = JsonEncodedText.Encode("serviceStats");
    private static readonly JsonEncodedText SpanCount = JsonEncodedText.Encode("spanCount");
    private static readonly JsonEncodedText ErrorCount = JsonEncodedText.Encode("errorCount");
    private static readonly JsonEncodedText Spans = JsonEncodedText.Encode("spans");
    private static readonly JsonEncodedText Matched = JsonEncodedText.Encode("matched");
    private static readonly JsonEncodedText Attributes = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText SpanId = JsonEncodedText.Encode("spanID");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText DurationNanos = JsonEncodedText.Encode("durationNanos");
    private static readonly JsonEncodedText InspectedTraces = JsonEncodedText.Encode("inspectedTraces");
    private static readonly JsonEncodedText InspectedBytes = JsonEncodedText.Encode("inspectedBytes");
    private static readonly JsonEncodedText TotalBlocks = JsonEncodedText.Encode("totalBlocks");
    private static readonly JsonEncodedText CompletedJobs = JsonEncodedText.Encode("completedJobs");
    private static readonly JsonEncodedText TotalJobs = JsonEncodedText.Encode("totalJobs");
    private static readonly JsonEncodedText TotalBlockBytes = JsonEncodedText.Encode("totalBlockBytes");
    private static readonly JsonEncodedText InspectedSpans = JsonEncodedText.Encode("inspectedSpans");

    public static void Write(IBufferWriter<byte> output, SearchResponse response)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(response);
        using var json = TempoJson.CreateWriter(output);
        json.WriteStartObject();
        json.WriteStartArray(Traces);
        for (var i = 0; i < response.Traces.Count; i++)
        {
            WriteTrace(json, response.Traces[i]);
        }

        json.WriteEndArray();
        if (response.Metrics is { } metrics)
        {
            json.WritePropertyName(Metrics);
            WriteMetrics(json, metrics);
        }

        json.WriteEndObject();
    }

    private static void WriteTrace(Utf8JsonWriter json, TraceSearchMetadata trace)
    {
        json.WriteStartObject();
        WriteNonEmpty(json, TraceId, trace.TraceID);
        WriteNonEmpty(json, RootServiceName, trace.RootServiceName);
        WriteNonEmpty(json, RootTraceName, trace.RootTraceName);
        WriteNonZero(json, StartTimeUnixNano, trace.StartTimeUnixNano);
        WriteNonZero(json, DurationMs, trace.DurationMs);
        if (trace.SpanSet is { } spanSet)
        {
            json.WritePropertyName(SpanSetName);
            WriteSpanSet(json, spanSet);
        }

        if (trace.SpanSets.Count > 0)
        {
            json.WriteStartArray(SpanSets);
            for (var i = 0; i < trace.SpanSets.Count; i++)
            {
                WriteSpanSet(json, trace.SpanSets[i]);
            }

            json.WriteEndArray();
        }

        if (trace.ServiceStats.Count > 0)
        {
            // jsonpb sorts map keys; Go compares strings bytewise, i.e. by code point.
            var services = new string[trace.ServiceStats.Count];
            trace.ServiceStats.Keys.CopyTo(services, 0);
            Array.Sort(services, CodePointComparer.Instance);
            json.WriteStartObject(ServiceStatsName);
            foreach (var service in services)
            {
                var stats = trace.ServiceStats[service];
                json.WritePropertyName(service);
                json.WriteStartObject();
                if (stats is not null)
                {
                    WriteNonZero(json, SpanCount, stats.SpanCount);
                    WriteNonZero(json, ErrorCount, stats.ErrorCount);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteSpanSet(Utf8JsonWriter json, SpanSet spanSet)
    {
        json.WriteStartObject();
        if (spanSet.Spans.Count > 0)
        {
            json.WriteStartArray(Spans);
            for (var i = 0; i < spanSet.Spans.Count; i++)
            {
                WriteSpan(json, spanSet.Spans[i]);
            }

            json.WriteEndArray();
        }

        WriteNonZero(json, Matched, spanSet.Matched);
        WriteAttributes(json, spanSet.Attributes);
        json.WriteEndObject();
    }

    private static void WriteSpan(Utf8JsonWriter json, Span span)
    {
        json.WriteStartObject();
        WriteNonEmpty(json, SpanId, span.SpanID);
        WriteNonEmpty(json, Name, span.Name);
        WriteNonZero(json, StartTimeUnixNano, span.StartTimeUnixNano);
        WriteNonZero(json, DurationNanos, span.DurationNanos);
        WriteAttributes(json, span.Attributes);
        json.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter json,
        Google.Protobuf.Collections.RepeatedField<OpenTelemetry.Proto.Common.V1.KeyValue> attributes)
    {
        if (attributes.Count == 0)
        {
            return;
        }

        json.WriteStartArray(Attributes);
        for (var i = 0; i < attributes.Count; i++)
        {
            OtlpJsonpbWriter.WriteKeyValue(json, attributes[i]);
        }

        json.WriteEndArray();
    }

    private static void WriteMetrics(Utf8JsonWriter json, SearchMetrics metrics)
    {
        json.WriteStartObject();
        WriteNonZero(json, InspectedTraces, metrics.InspectedTraces);
        WriteNonZero(json, InspectedBytes, metrics.InspectedBytes);
        WriteNonZero(json, TotalBlocks, metrics.TotalBlocks);
        WriteNonZero(json, CompletedJobs, metrics.CompletedJobs);
        WriteNonZero(json, TotalJobs, metrics.TotalJobs);
        WriteNonZero(json, TotalBlockBytes, metrics.TotalBlockBytes);
        WriteNonZero(json, InspectedSpans, metrics.InspectedSpans);
        json.WriteEndObject();
    }

    private static void WriteNonEmpty(Utf8JsonWriter json, JsonEncodedText name, string value)
    {
        if (value.Length > 0)
        {
            json.WriteString(name, value);
        }
    }

    // uint32: a JSON number.
    private static void WriteNonZero(Utf8JsonWriter json, JsonEncodedText name, uint value)
    {
        if (value != 0)
        {
            json.WriteNumber(name, value);
        }
    }

    // uint64: a decimal string.
    private static void WriteNonZero(Utf8JsonWriter json, JsonEncodedText name, ulong value)
    {
        if (value != 0)
        {
            TempoJson.WriteUInt64String(json, name, value);
        }
    }

    /// <summary>Orders strings by Unicode code point, which is the order of their UTF-8 bytes (Go's string order).</summary>
    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            var left = x.EnumerateRunes();
            var right = y.EnumerateRunes();
            while (true)
            {
                var hasLeft = left.MoveNext();
                var hasRight = right.MoveNext();
                if (!hasLeft || !hasRight)
                {
                    return hasLeft ? 1 : hasRight ? -1 : 0;
                }

                var order = left.Current.Value.CompareTo(right.Current.Value);
                if (order != 0)
                {
                    return order;
                }
            }
        }
    }
}
