using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Tempo.Streaming.Benchmarks.Infrastructure;

/// <summary>Marks a benchmark class whose operation is one span (<c>OperationsPerInvoke</c> = spans per invocation).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SpanThroughputAttribute : Attribute;

/// <summary>A benchmark class whose operations move a known number of bytes, shown as MB/s.</summary>
public interface IByteThroughput
{
    /// <summary>Bytes one operation processes for these parameter values (evaluated in the host process).</summary>
    static abstract double BytesPerOperation(ParameterInstances parameters);
}

/// <summary>
/// Rates derived from the median time per operation, the figures BENCHMARKS.md quotes: spans/s for the ingest path and
/// MB/s for byte-oriented work. The median, not the mean, because this 2-core machine is shared and noisy.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    public static readonly IColumn SpansPerSecond = new ThroughputColumn("spans/s", "Spans per second on one thread: 1 s / median time per span");

    public static readonly IColumn MegabytesPerSecond = new ThroughputColumn("MB/s", "Megabytes (10^6 bytes) per second: bytes per operation / median time");

    private ThroughputColumn(string name, string legend)
    {
        ColumnName = name;
        Legend = legend;
    }

    public string Id => nameof(ThroughputColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; }

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => UnitsPerOperation(c) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var units = UnitsPerOperation(benchmarkCase);
        var medianNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (units is null || medianNanoseconds is not > 0)
        {
            return "-";
        }
        var perSecond = units.Value * 1e9 / medianNanoseconds.Value;
        return ColumnName == "MB/s"
            ? (perSecond / 1e6).ToString("N1", CultureInfo.InvariantCulture)
            : perSecond.ToString("N0", CultureInfo.InvariantCulture);
    }

    private double? UnitsPerOperation(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (ColumnName == "spans/s")
        {
            return type.IsDefined(typeof(SpanThroughputAttribute)) ? 1 : null;
        }
        if (!typeof(IByteThroughput).IsAssignableFrom(type))
        {
            return null;
        }
        var method = type.GetMethod(nameof(IByteThroughput.BytesPerOperation), BindingFlags.Public | BindingFlags.Static, [typeof(ParameterInstances)])
            ?? throw new InvalidOperationException($"{type.Name} implements {nameof(IByteThroughput)} without a public static BytesPerOperation");
        return (double)method.Invoke(null, [benchmarkCase.Parameters])!;
    }

    public override string ToString() => ColumnName;
}
