using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Distributor.Tests.Support;

/// <summary>Collects every measurement of one meter instance (so parallel tests do not see each other's).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)> _measurements = new();

    public MetricRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>();
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value?.ToString();
        }

        _measurements.Enqueue((instrument.Name, value, map));
    }

    /// <summary>Sum of the measurements of <paramref name="name"/> whose tags include all of <paramref name="tags"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Name == name && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value))
            .Sum(m => m.Value);

    public int Count(string name) => _measurements.Count(m => m.Name == name);

    public IReadOnlyList<Dictionary<string, string?>> TagsOf(string name) =>
        _measurements.Where(m => m.Name == name).Select(m => m.Tags).ToList();

    public void Dispose() => _listener.Dispose();
}
