using Tempo.Streaming.Cli.Consumption;
using Tempo.Streaming.Cli.Measurement;

namespace Tempo.Streaming.Cli.Tests.Benchmarking;

public sealed class PercentilesTests
{
    [Fact]
    public void Nearest_rank_reports_observed_values()
    {
        var hundred = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        Percentiles.NearestRank(hundred, 0.50).Should().Be(50);
        Percentiles.NearestRank(hundred, 0.90).Should().Be(90);
        Percentiles.NearestRank(hundred, 0.99).Should().Be(99);
        Percentiles.NearestRank(hundred, 1.0).Should().Be(100);

        // Ten samples: p99 is the largest (rank ceil(9.9) = 10), p50 the 5th, p90 the 9th.
        var ten = Enumerable.Range(1, 10).Select(i => i * 1.5).ToList();
        Percentiles.NearestRank(ten, 0.99).Should().Be(15);
        Percentiles.NearestRank(ten, 0.50).Should().Be(7.5);
        Percentiles.NearestRank(ten, 0.90).Should().Be(13.5);

        Percentiles.NearestRank([42.0], 0.01).Should().Be(42);
        Percentiles.NearestRank([], 0.5).Should().Be(0);
        FluentActions.Invoking(() => Percentiles.NearestRank(hundred, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => Percentiles.NearestRank(hundred, 1.5)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Summarize_sorts_and_takes_max_and_count()
    {
        var values = new List<double> { 9, 1, 5, 3, 7, 2, 8, 4, 6, 10 };
        var summary = Percentiles.Summarize(values);
        summary.Should().Be(new Load.LatencySummary(5, 9, 10, 10, 10));
        values.Should().BeInAscendingOrder();
        Percentiles.Summarize([]).Should().Be(new Load.LatencySummary(0, 0, 0, 0, 0));
    }

    [Fact]
    public void Median_of_runs_averages_the_middle_pair()
    {
        Percentiles.Median([3, 1, 2]).Should().Be(2);
        Percentiles.Median([4, 1, 3, 2]).Should().Be(2.5);
        Percentiles.Median([7]).Should().Be(7);
        double.IsNaN(Percentiles.Median([])).Should().BeTrue();
    }

    [Fact]
    public void Consumption_rate_is_the_median_of_busy_intervals()
    {
        ConsumptionSample[] samples =
        [
            new(0, 0, 0),
            new(1, 100_000, 300_000),
            new(2, 300_000, 600_000),
            new(3, 450_000, 900_000), // load ends at 3.5 s
            new(4, 700_000, 1_000_000),
            new(5, 1_000_000, 1_000_000), // caught up
            new(6, 1_000_000, 1_000_000), // idle: nothing pending, nothing new — left out
        ];

        // Intervals ending by 3.5 s: 100k, 200k, 150k spans/s.
        ConsumptionRunner.MedianRate(samples, 3.5).Should().Be(150_000);
        // Until caught up: 100k, 200k, 150k, 250k, 300k (the idle interval is skipped).
        ConsumptionRunner.MedianRate(samples, double.MaxValue).Should().Be(200_000);
        ConsumptionRunner.MedianRate([new(0, 0, 0)], 10).Should().Be(0);
    }
}
