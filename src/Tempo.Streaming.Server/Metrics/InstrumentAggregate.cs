using System.Diagnostics.Metrics;
using System.Globalization;

namespace Tempo.Streaming.Server.Metrics;

/// <summary>How measurements of an instrument combine into the value /metrics shows.</summary>
internal enum AggregationKind
{
    /// <summary>Counter / UpDownCounter: measurements are increments.</summary>
    Sum,

    /// <summary>Observable instruments and Gauge: each measurement is the current value (observable counters report
    /// their running total, so the last value is the counter's value).</summary>
    LastValue,

    /// <summary>Histogram: cumulative buckets, sum and count.</summary>
    Histogram,
}

/// <summary>
/// The series of one instrument, keyed by tag set. Measurements arrive from any thread (ingest hot paths included), so a
/// recording finds its series by hashing the tag span without allocating; only a new tag set allocates.
/// </summary>
internal sealed class InstrumentAggregate
{
    /// <summary>Bounds memory when a tag is unexpectedly high-cardinality; further tag sets are dropped and counted.</summary>
    public const int MaxSeries = 10_000;

    // OpenTelemetry's default explicit bucket boundaries, used when an instrument gives no advice.
    private static readonly double[] DefaultBoundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<Series>> _byHash = [];
    private readonly List<Series> _series = [];

    public InstrumentAggregate(Instrument instrument, AggregationKind kind, double[]? boundaries)
    {
        Instrument = instrument;
        Kind = kind;
        Boundaries = kind == AggregationKind.Histogram ? boundaries ?? DefaultBoundaries : [];
    }

    public Instrument Instrument { get; }

    public AggregationKind Kind { get; }

    public double[] Boundaries { get; }

    public long DroppedSeries { get; private set; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = Hash(tags);
        lock (_lock)
        {
            var series = Find(hash, tags);
            if (series is null)
            {
                return;
            }

            switch (Kind)
            {
                case AggregationKind.Sum:
                    series.Value += value;
                    break;
                case AggregationKind.LastValue:
                    series.Value = value;
                    break;
                default:
                    var bucket = Array.BinarySearch(Boundaries, value);
                    // Prometheus buckets are upper-inclusive (le): a value equal to a bound belongs to that bucket.
                    series.BucketCounts![bucket >= 0 ? bucket : ~bucket]++;
                    series.Value += value;
                    series.Count++;
                    break;
            }
        }
    }

    /// <summary>A consistent copy of every series, for rendering.</summary>
    public List<SeriesSnapshot> Snapshot()
    {
        lock (_lock)
        {
            var result = new List<SeriesSnapshot>(_series.Count);
            foreach (var series in _series)
            {
                result.Add(new SeriesSnapshot(series.Labels, series.Value, series.Count, series.BucketCounts?.ToArray()));
            }

            return result;
        }
    }

    private Series? Find(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_byHash.TryGetValue(hash, out var candidates))
        {
            foreach (var candidate in candidates)
            {
                if (candidate.Matches(tags))
                {
                    return candidate;
                }
            }
        }

        if (_series.Count >= MaxSeries)
        {
            DroppedSeries++;
            return null;
        }

        var created = new Series(tags, Kind == AggregationKind.Histogram ? Boundaries.Length + 1 : 0);
        _series.Add(created);
        if (candidates is null)
        {
            _byHash[hash] = candidates = [];
        }

        candidates.Add(created);
        return created;
    }

    private static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash = HashCode.Combine(hash, tag.Key, tag.Value);
        }

        return hash;
    }

    private sealed class Series
    {
        private readonly KeyValuePair<string, object?>[] _tags;

        public Series(ReadOnlySpan<KeyValuePair<string, object?>> tags, int buckets)
        {
            _tags = tags.ToArray();
            var labels = new KeyValuePair<string, string>[_tags.Length];
            for (var i = 0; i < _tags.Length; i++)
            {
                labels[i] = new(_tags[i].Key, Format(_tags[i].Value));
            }

            Labels = labels;
            BucketCounts = buckets > 0 ? new long[buckets] : null;
        }

        public KeyValuePair<string, string>[] Labels { get; }

        public double Value { get; set; }

        public long Count { get; set; }

        public long[]? BucketCounts { get; }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != _tags.Length)
            {
                return false;
            }

            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(tags[i].Key, _tags[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, _tags[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        private static string Format(object? value) => value switch
        {
            null => "",
            string s => s,
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }
}

/// <summary>One series at scrape time: labels as recorded, value (sum for histograms), count and per-bucket counts.</summary>
internal sealed record SeriesSnapshot(KeyValuePair<string, string>[] Labels, double Value, long Count, long[]? BucketCounts);
