using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Query.Tests.Blocks;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters only this instance listens to (test classes run in parallel and create
/// meters of the same names): counter totals by instrument name and tag values, and gauge readings on demand.
/// </summary>
internal sealed class RecordingMeters : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly ConcurrentDictionary<string, long> _gauges = new();

    public RecordingMeters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, this))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = Key(instrument.Name, tags);
            if (instrument is ObservableGauge<long>)
            {
                _gauges[key] = value;
            }
            else
            {
                _totals.AddOrUpdate(key, value, (_, total) => total + value);
            }
        });
        _listener.Start();
    }

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    /// <summary>Sum of a counter for the given tag values (<c>"tenant=a"</c>, ...; all of an instrument's tags, sorted by name).</summary>
    public long Total(string instrument, params string[] tags) => _totals.TryGetValue(Key(instrument, tags), out var total) ? total : 0;

    /// <summary>Sum of a counter over all tag values.</summary>
    public long TotalAll(string instrument)
    {
        long sum = 0;
        foreach (var (key, total) in _totals)
        {
            if (key == instrument || key.StartsWith(instrument + "|", StringComparison.Ordinal))
            {
                sum += total;
            }
        }

        return sum;
    }

    /// <summary>Current value of an observable gauge, or null when it reports nothing for these tags.</summary>
    public long? Gauge(string instrument, params string[] tags)
    {
        _gauges.Clear();
        _listener.RecordObservableInstruments();
        return _gauges.TryGetValue(Key(instrument, tags), out var value) ? value : null;
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }

    private static string Key(string instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        return Key(instrument, parts.ToArray());
    }

    private static string Key(string instrument, string[] tags)
    {
        var sorted = (string[])tags.Clone();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted.Length == 0 ? instrument : instrument + "|" + string.Join(",", sorted);
    }
}
