using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.Distributor.Regrouping;

namespace Tempo.Streaming.Distributor.Otlp;

/// <summary>
/// Walks a marshalled OTLP <c>ExportTraceServiceRequest</c> (opentelemetry-proto trace/v1 and common/v1) once and
/// fills a <see cref="PushWorkspace"/> with slices of it: no OTLP objects are materialised.
/// <para>
/// The walk is a full structural validation: every nested message of a span (attributes, any-values, events, links,
/// status), of a resource and of a scope is checked for well-formed tags, varints and lengths, and known fields must
/// carry their schema's wire type (as gogo/protobuf-go reject them in Tempo). The spans are later copied byte for
/// byte into the log, so a malformed one would otherwise poison every record it lands in (ARCHITECTURE.md §1.5).
/// Unknown fields are skipped here and, inside Resource, InstrumentationScope and Span, preserved by the copy.
/// </para>
/// <para>
/// On the way it notes which resources, scopes and spans hold an attribute key or top-level string value longer than
/// <c>max_attribute_bytes</c>, so only those pay for truncation.
/// </para>
/// </summary>
internal ref struct OtlpRequestScanner
{
    // Google.Protobuf's default recursion limit: a message nested deeper than this could not be read back by the
    // live store, so it is refused at the door. Depth counts nested messages below the request.
    private const int MaxDepth = 100;

    private readonly ReadOnlySpan<byte> _payload;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly PushWorkspace _workspace;
    private readonly int _maxAttributeBytes;

    public OtlpRequestScanner(ReadOnlyMemory<byte> payload, PushWorkspace workspace, int maxAttributeBytes)
    {
        _memory = payload;
        _payload = payload.Span;
        _workspace = workspace;
        // 0 disables truncation (Tempo's max_attribute_bytes semantics); int.MaxValue makes every length check false.
        _maxAttributeBytes = maxAttributeBytes > 0 ? maxAttributeBytes : int.MaxValue;
    }

    /// <exception cref="PushRejectedException">with <see cref="PushRejectionReason.InvalidPayload"/> when the bytes are
    /// not a well-formed request; the message says what is wrong and at which byte.</exception>
    public void Scan()
    {
        try
        {
            ScanRequest();
        }
        catch (InvalidProtobufException e)
        {
            throw new PushRejectedException(PushRejectionReason.InvalidPayload, e.Message, e);
        }
    }

    private void ScanRequest()
    {
        var reader = new ProtoReader(_payload, 0, _payload.Length, "ExportTraceServiceRequest");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1)
            {
                var (start, length) = reader.ReadLengthDelimited(field, wireType);
                ScanResourceSpans(start, length);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    // Unknown fields of ResourceSpans and ScopeSpans themselves are dropped, not copied into every regrouped trace:
    // such a field could carry spans of several traces (the removed instrumentation_library_spans = 1000 did).
    private void ScanResourceSpans(int start, int length)
    {
        var index = _workspace.AddResource();
        var reader = new ProtoReader(_payload, start, start + length, "ResourceSpans");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    var needsTruncation = ValidateResource(s, l, 2);
                    ref var resource = ref _workspace.Resources[index];
                    resource.Resource = resource.HasResource ? Concat(resource.Resource, s, l) : _memory.Slice(s, l);
                    resource.HasResource = true;
                    resource.NeedsTruncation |= needsTruncation;
                    _workspace.AnyNeedsTruncation |= needsTruncation;
                    break;
                }
                case 2:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    ScanScopeSpans(index, s, l);
                    break;
                }
                case 3:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    _workspace.Resources[index].SchemaUrl = _memory.Slice(s, l);
                    break;
                }
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
    }

    private void ScanScopeSpans(int resourceIndex, int start, int length)
    {
        var index = _workspace.AddScope(resourceIndex);
        var reader = new ProtoReader(_payload, start, start + length, "ScopeSpans");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    var needsTruncation = ValidateScope(s, l, 3);
                    ref var scope = ref _workspace.Scopes[index];
                    scope.Scope = scope.HasScope ? Concat(scope.Scope, s, l) : _memory.Slice(s, l);
                    scope.HasScope = true;
                    scope.NeedsTruncation |= needsTruncation;
                    _workspace.AnyNeedsTruncation |= needsTruncation;
                    break;
                }
                case 2:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    ScanSpan(index, s, l);
                    break;
                }
                case 3:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    _workspace.Scopes[index].SchemaUrl = _memory.Slice(s, l);
                    break;
                }
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
    }

    /// <summary>
    /// A message field that occurs twice is merged by protobuf parsers, which for the wire format is the
    /// concatenation of both occurrences. Rare enough to allocate.
    /// </summary>
    private readonly ReadOnlyMemory<byte> Concat(ReadOnlyMemory<byte> first, int start, int length)
    {
        var merged = new byte[first.Length + length];
        first.Span.CopyTo(merged);
        _payload.Slice(start, length).CopyTo(merged.AsSpan(first.Length));
        return merged;
    }

    private void ScanSpan(int scopeIndex, int start, int length)
    {
        const int depth = 3;
        var index = _workspace.AddSpan(scopeIndex, _memory.Slice(start, length));
        var needsTruncation = false;
        // Last occurrence wins for scalar fields (protobuf merge semantics).
        int traceIdStart = -1, traceIdLength = 0, spanIdStart = -1, spanIdLength = 0;
        var reader = new ProtoReader(_payload, start, start + length, "Span");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    (traceIdStart, traceIdLength) = reader.ReadLengthDelimited(field, wireType);
                    break;
                case 2:
                    (spanIdStart, spanIdLength) = reader.ReadLengthDelimited(field, wireType);
                    break;
                case 3: // trace_state
                case 4: // parent_span_id
                case 5: // name
                    reader.SkipExpected(field, wireType, WireType.LengthDelimited);
                    break;
                case 6: // kind
                case 10: // dropped_attributes_count
                case 12: // dropped_events_count
                case 14: // dropped_links_count
                    reader.SkipExpected(field, wireType, WireType.Varint);
                    break;
                case 7: // start_time_unix_nano
                case 8: // end_time_unix_nano
                    reader.SkipExpected(field, wireType, WireType.Fixed64);
                    break;
                case 16: // flags
                    reader.SkipExpected(field, wireType, WireType.Fixed32);
                    break;
                case 9:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateKeyValue(s, l, depth + 1, checkSizes: true);
                    break;
                }
                case 11:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateEvent(s, l, depth + 1);
                    break;
                }
                case 13:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateLink(s, l, depth + 1);
                    break;
                }
                case 15:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    ValidateStatus(s, l);
                    break;
                }
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        ref var span = ref _workspace.Spans[index];
        span.TraceIdStart = traceIdStart;
        span.TraceIdLength = traceIdLength;
        span.SpanIdStart = spanIdStart;
        span.SpanIdLength = spanIdLength;
        span.NeedsTruncation = needsTruncation;
        _workspace.AnyNeedsTruncation |= needsTruncation;
    }

    private readonly bool ValidateResource(int start, int length, int depth)
    {
        var needsTruncation = false;
        var reader = new ProtoReader(_payload, start, start + length, "Resource");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateKeyValue(s, l, depth + 1, checkSizes: true);
                    break;
                }
                case 2:
                    reader.SkipExpected(field, wireType, WireType.Varint);
                    break;
                case 3:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    ValidateStringsOnly(s, l, "EntityRef", 4);
                    break;
                }
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return needsTruncation;
    }

    private readonly bool ValidateScope(int start, int length, int depth)
    {
        var needsTruncation = false;
        var reader = new ProtoReader(_payload, start, start + length, "InstrumentationScope");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                case 2:
                    reader.SkipExpected(field, wireType, WireType.LengthDelimited);
                    break;
                case 3:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateKeyValue(s, l, depth + 1, checkSizes: true);
                    break;
                }
                case 4:
                    reader.SkipExpected(field, wireType, WireType.Varint);
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return needsTruncation;
    }

    private readonly bool ValidateEvent(int start, int length, int depth)
    {
        var needsTruncation = false;
        var reader = new ProtoReader(_payload, start, start + length, "Span.Event");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    reader.SkipExpected(field, wireType, WireType.Fixed64);
                    break;
                case 2:
                    reader.SkipExpected(field, wireType, WireType.LengthDelimited);
                    break;
                case 3:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateKeyValue(s, l, depth + 1, checkSizes: true);
                    break;
                }
                case 4:
                    reader.SkipExpected(field, wireType, WireType.Varint);
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return needsTruncation;
    }

    private readonly bool ValidateLink(int start, int length, int depth)
    {
        var needsTruncation = false;
        var reader = new ProtoReader(_payload, start, start + length, "Span.Link");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                case 2:
                case 3:
                    reader.SkipExpected(field, wireType, WireType.LengthDelimited);
                    break;
                case 4:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateKeyValue(s, l, depth + 1, checkSizes: true);
                    break;
                }
                case 5:
                    reader.SkipExpected(field, wireType, WireType.Varint);
                    break;
                case 6:
                    reader.SkipExpected(field, wireType, WireType.Fixed32);
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return needsTruncation;
    }

    private readonly void ValidateStatus(int start, int length)
    {
        var reader = new ProtoReader(_payload, start, start + length, "Status");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 2:
                    reader.SkipExpected(field, wireType, WireType.LengthDelimited);
                    break;
                case 3:
                    reader.SkipExpected(field, wireType, WireType.Varint);
                    break;
                default: // 1 = the removed deprecated_code, skipped like any unknown field
                    reader.Skip(field, wireType);
                    break;
            }
        }
    }

    /// <summary>A message whose known fields 1..<paramref name="lastField"/> are all strings (EntityRef).</summary>
    private readonly void ValidateStringsOnly(int start, int length, string message, int lastField)
    {
        var reader = new ProtoReader(_payload, start, start + length, message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field <= lastField)
            {
                reader.SkipExpected(field, wireType, WireType.LengthDelimited);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    /// <summary>
    /// Validates a KeyValue. With <paramref name="checkSizes"/> (direct attributes of a resource, scope, span, event or
    /// link — the ones Tempo truncates) reports whether the key or a string value exceeds max_attribute_bytes.
    /// </summary>
    private readonly bool ValidateKeyValue(int start, int length, int depth, bool checkSizes)
    {
        CheckDepth(depth, start);
        var needsTruncation = false;
        var reader = new ProtoReader(_payload, start, start + length, "KeyValue");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                {
                    var (_, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= checkSizes && l > _maxAttributeBytes;
                    break;
                }
                case 2:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= ValidateAnyValue(s, l, depth + 1, checkSizes);
                    break;
                }
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return needsTruncation;
    }

    private readonly bool ValidateAnyValue(int start, int length, int depth, bool checkSizes)
    {
        CheckDepth(depth, start);
        var needsTruncation = false;
        var reader = new ProtoReader(_payload, start, start + length, "AnyValue");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                {
                    var (_, l) = reader.ReadLengthDelimited(field, wireType);
                    needsTruncation |= checkSizes && l > _maxAttributeBytes;
                    break;
                }
                case 2:
                case 3:
                    reader.SkipExpected(field, wireType, WireType.Varint);
                    break;
                case 4:
                    reader.SkipExpected(field, wireType, WireType.Fixed64);
                    break;
                case 5:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    ValidateArrayValue(s, l, depth + 1);
                    break;
                }
                case 6:
                {
                    var (s, l) = reader.ReadLengthDelimited(field, wireType);
                    ValidateKeyValueList(s, l, depth + 1);
                    break;
                }
                case 7:
                    reader.SkipExpected(field, wireType, WireType.LengthDelimited);
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return needsTruncation;
    }

    private readonly void ValidateArrayValue(int start, int length, int depth)
    {
        CheckDepth(depth, start);
        var reader = new ProtoReader(_payload, start, start + length, "ArrayValue");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1)
            {
                var (s, l) = reader.ReadLengthDelimited(field, wireType);
                ValidateAnyValue(s, l, depth + 1, checkSizes: false);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    private readonly void ValidateKeyValueList(int start, int length, int depth)
    {
        CheckDepth(depth, start);
        var reader = new ProtoReader(_payload, start, start + length, "KeyValueList");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1)
            {
                var (s, l) = reader.ReadLengthDelimited(field, wireType);
                ValidateKeyValue(s, l, depth + 1, checkSizes: false);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    private static void CheckDepth(int depth, int start)
    {
        if (depth > MaxDepth)
        {
            ProtoReader.ThrowInvalid($"messages nested deeper than {MaxDepth} levels at byte {start}");
        }
    }
}
