using System.Globalization;
using System.Text;

namespace Tempo.Streaming.Server.Metrics;

/// <summary>
/// Builds the metric families of one scrape and writes them in the text exposition format 0.0.4: one <c># HELP</c> and
/// one <c># TYPE</c> line per family, all samples of a family together, label values escaped, histograms as cumulative
/// <c>_bucket{le=...}</c> series ending in <c>+Inf</c> plus <c>_sum</c> and <c>_count</c>.
/// </summary>
internal sealed class PrometheusFamilies
{
    private readonly Dictionary<string, Family> _byName = new(StringComparer.Ordinal);
    private readonly List<Family> _ordered = [];

    /// <summary>A single sample (process metrics, build info).</summary>
    public void AddSample(string name, string type, string help, double value, params KeyValuePair<string, string>[] labels)
    {
        var family = GetOrAdd(name, type, help);
        family?.Merge(Canonical(labels), value, 0, null, AggregationKind.LastValue);
    }

    public void Add(InstrumentAggregate aggregate)
    {
        var instrument = aggregate.Instrument;
        var project = instrument.Meter.Name.StartsWith(PrometheusExporter.ProjectMeterPrefix, StringComparison.Ordinal);
        var type = aggregate.Kind switch
        {
            AggregationKind.Histogram => "histogram",
            AggregationKind.Sum when IsCounter(instrument) => "counter",
            AggregationKind.LastValue when IsObservableCounter(instrument) => "counter",
            _ => "gauge",
        };
        var name = project ? SanitizeName(instrument.Name) : ConventionName(instrument.Name, instrument.Unit, type);
        var help = string.IsNullOrWhiteSpace(instrument.Description)
            ? $"{instrument.Name} from meter {instrument.Meter.Name}"
            : instrument.Description;
        var family = GetOrAdd(name, type, help);
        if (family is null)
        {
            return;
        }

        family.Boundaries ??= aggregate.Boundaries;
        if (aggregate.Kind == AggregationKind.Histogram && !family.Boundaries.AsSpan().SequenceEqual(aggregate.Boundaries))
        {
            return; // two histograms of one name with different buckets cannot be merged
        }

        foreach (var series in aggregate.Snapshot())
        {
            family.Merge(Canonical(series.Labels), series.Value, series.Count, series.BucketCounts, aggregate.Kind);
        }
    }

    public void Render(StringBuilder text)
    {
        foreach (var family in _ordered)
        {
            if (family.Samples.Count == 0)
            {
                continue;
            }

            text.Append("# HELP ").Append(family.Name).Append(' ');
            AppendEscaped(text, family.Help, escapeQuotes: false);
            text.Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
            foreach (var (labels, sample) in family.Samples)
            {
                if (family.Type != "histogram")
                {
                    AppendSample(text, family.Name, labels, null, sample.Value);
                    continue;
                }

                long cumulative = 0;
                for (var i = 0; i < family.Boundaries!.Length; i++)
                {
                    cumulative += sample.Buckets![i];
                    AppendSample(text, family.Name + "_bucket", labels, FormatValue(family.Boundaries[i]), cumulative);
                }

                AppendSample(text, family.Name + "_bucket", labels, "+Inf", sample.Count);
                AppendSample(text, family.Name + "_sum", labels, null, sample.Value);
                AppendSample(text, family.Name + "_count", labels, null, sample.Count);
            }
        }
    }

    private Family? GetOrAdd(string name, string type, string help)
    {
        if (_byName.TryGetValue(name, out var existing))
        {
            // Same name from two meters: merge when the types agree, otherwise keep the first (a second TYPE line
            // for one name is a parse error for Prometheus).
            return existing.Type == type ? existing : null;
        }

        var family = new Family(name, type, help);
        _byName[name] = family;
        _ordered.Add(family);
        return family;
    }

    // OpenTelemetry → Prometheus naming (the OTel Prometheus exporter's rules, simplified): sanitize, unit suffix,
    // _total for counters.
    private static string ConventionName(string instrumentName, string? unit, string type)
    {
        var name = SanitizeName(instrumentName);
        var suffix = unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "us" => "microseconds",
            "ns" => "nanoseconds",
            "By" => "bytes",
            "KiBy" => "kibibytes",
            "MiBy" => "mebibytes",
            "%" => "percent",
            _ => null,
        };
        if (suffix is not null && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        if (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    private static bool IsCounter(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(System.Diagnostics.Metrics.Counter<>);

    private static bool IsObservableCounter(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.GetType().IsGenericType &&
        instrument.GetType().GetGenericTypeDefinition() == typeof(System.Diagnostics.Metrics.ObservableCounter<>);

    internal static string SanitizeName(string name) => Sanitize(name, allowColon: true);

    private static string Sanitize(string name, bool allowColon)
    {
        var sb = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var mapped = valid ? c : '_';
            if (mapped == '_' && sb.Length > 0 && sb[^1] == '_' && !valid)
            {
                continue; // "a..b" → "a_b", as OTel's exporter collapses invalid runs
            }

            sb.Append(mapped);
        }

        if (sb.Length == 0 || char.IsAsciiDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }

        return sb.ToString();
    }

    // Label names sanitized and sorted; one label per name. The canonical text is both the merge key and what is printed.
    private static string Canonical(KeyValuePair<string, string>[] labels)
    {
        if (labels.Length == 0)
        {
            return "";
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            var name = Sanitize(key, allowColon: false);
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                name = "x" + name; // names starting "__" are reserved for Prometheus
            }

            sorted.TryAdd(name, value);
        }

        var sb = new StringBuilder();
        foreach (var (name, value) in sorted)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(name).Append("=\"");
            AppendEscaped(sb, value, escapeQuotes: true);
            sb.Append('"');
        }

        return sb.ToString();
    }

    private static void AppendSample(StringBuilder text, string name, string labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null)
            {
                text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void AppendEscaped(StringBuilder sb, string value, bool escapeQuotes)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '"' when escapeQuotes:
                    sb.Append("\\\"");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }

    private sealed class Family(string name, string type, string help)
    {
        public string Name { get; } = name;

        public string Type { get; } = type;

        public string Help { get; } = help;

        public double[]? Boundaries { get; set; }

        public Dictionary<string, Sample> Samples { get; } = new(StringComparer.Ordinal);

        public void Merge(string labels, double value, long count, long[]? buckets, AggregationKind kind)
        {
            if (!Samples.TryGetValue(labels, out var sample))
            {
                Samples[labels] = new Sample { Value = value, Count = count, Buckets = buckets?.ToArray() };
                return;
            }

            if (kind == AggregationKind.LastValue)
            {
                sample.Value = value;
                return;
            }

            sample.Value += value;
            sample.Count += count;
            if (buckets is not null && sample.Buckets is not null)
            {
                for (var i = 0; i < buckets.Length; i++)
                {
                    sample.Buckets[i] += buckets[i];
                }
            }
        }
    }

    private sealed class Sample
    {
        public double Value { get; set; }

        public long Count { get; set; }

        public long[]? Buckets { get; set; }
    }
}
