using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// The trace-level <c>ServiceStats</c> map of one trace as Tempo fills it: per resource <c>service.name</c> (the last
/// string value, else empty) the number of spans and of spans with status ERROR, in first-seen order. Reused across
/// traces (<see cref="Reset"/>), so a block write allocates only when a trace has more services than any before.
/// </summary>
internal sealed class ServiceStatsTally
{
    private string[] _names = new string[8];
    private uint[] _spans = new uint[8];
    private uint[] _errors = new uint[8];

    /// <summary>Services seen since <see cref="Reset"/>.</summary>
    public int Count { get; private set; }

    public void Reset() => Count = 0;

    /// <summary>The slot of <paramref name="batch"/>'s service, added with zero counts when it is new.</summary>
    public int SlotOf(ResourceSpans batch)
    {
        var serviceName = ServiceNameOf(batch);
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_names[i], serviceName, StringComparison.Ordinal))
            {
                return i;
            }
        }
        if (Count == _names.Length)
        {
            Array.Resize(ref _names, Count * 2);
            Array.Resize(ref _spans, Count * 2);
            Array.Resize(ref _errors, Count * 2);
        }
        _names[Count] = serviceName;
        _spans[Count] = 0;
        _errors[Count] = 0;
        return Count++;
    }

    /// <summary>Counts <paramref name="span"/> for the service in <paramref name="slot"/>.</summary>
    public void Add(int slot, Span span)
    {
        _spans[slot]++;
        if (span.Status is { Code: Status.Types.StatusCode.Error })
        {
            _errors[slot]++;
        }
    }

    public string Name(int slot) => _names[slot];

    public int SpanCount(int slot) => unchecked((int)_spans[slot]);

    public int ErrorCount(int slot) => unchecked((int)_errors[slot]);

    /// <summary>The resource's ServiceName column value: the last string <c>service.name</c>, else empty.</summary>
    private static string ServiceNameOf(ResourceSpans batch)
    {
        var attributes = batch.Resource?.Attributes;
        if (attributes is null)
        {
            return "";
        }
        var name = "";
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == WellKnownKeys.ServiceName && attributes[i].Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
            {
                name = attributes[i].Value.StringValue;
            }
        }
        return name;
    }
}
