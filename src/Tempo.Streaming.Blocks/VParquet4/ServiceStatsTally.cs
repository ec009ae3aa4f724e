namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// The trace-level <c>ServiceStats</c> map of one trace as Tempo fills it: per resource <c>service.name</c> (the last
/// string value, else empty) the number of spans and of spans with status ERROR, in first-seen order. Reused across
/// traces (<see cref="Reset"/>), so a block write allocates only when a trace has more services than any before.
/// </summary>
internal sealed class ServiceStatsTally
{
    private const int StatusCodeError = (int)OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error;

    private byte[][] _names = new byte[8][];
    private int[] _nameLengths = new int[8];
    private uint[] _spans = new uint[8];
    private uint[] _errors = new uint[8];

    /// <summary>Services seen since <see cref="Reset"/>.</summary>
    public int Count { get; private set; }

    public void Reset() => Count = 0;

    /// <summary>The slot of service <paramref name="serviceName"/> (UTF-8), added with zero counts when it is new.</summary>
    public int SlotOf(ReadOnlySpan<byte> serviceName)
    {
        for (var i = 0; i < Count; i++)
        {
            if (Name(i).SequenceEqual(serviceName))
            {
                return i;
            }
        }
        if (Count == _names.Length)
        {
            Array.Resize(ref _names, Count * 2);
            Array.Resize(ref _nameLengths, Count * 2);
            Array.Resize(ref _spans, Count * 2);
            Array.Resize(ref _errors, Count * 2);
        }
        // the name buffers are reused across traces and only grow
        if (_names[Count] is not { } buffer || buffer.Length < serviceName.Length)
        {
            _names[Count] = buffer = new byte[Math.Max(serviceName.Length, 32)];
        }
        serviceName.CopyTo(buffer);
        _nameLengths[Count] = serviceName.Length;
        _spans[Count] = 0;
        _errors[Count] = 0;
        return Count++;
    }

    /// <summary>Counts a span with status code <paramref name="statusCode"/> for the service in <paramref name="slot"/>.</summary>
    public void Add(int slot, int statusCode)
    {
        _spans[slot]++;
        if (statusCode == StatusCodeError)
        {
            _errors[slot]++;
        }
    }

    public ReadOnlySpan<byte> Name(int slot) => _names[slot].AsSpan(0, _nameLengths[slot]);

    public int SpanCount(int slot) => unchecked((int)_spans[slot]);

    public int ErrorCount(int slot) => unchecked((int)_errors[slot]);
}
