using Tempo.Streaming.Cli.Measurement;

namespace Tempo.Streaming.Cli.Tests.Benchmarking;

public sealed class PrometheusTextTests
{
    private const string Exposition = """
        # HELP tempo_live_store_spans_stored_total Spans written to the live store.
        # TYPE tempo_live_store_spans_stored_total counter
        tempo_live_store_spans_stored_total{partition="0"} 1500
        tempo_live_store_spans_stored_total{partition="1",note="a } brace"} 2.5e3 1700000000000
        tempo_live_store_spans_stored_total_created 1700000000
        tempo_live_store_spans_stored_totals 99
        tempo_distributor_spans_received_total 7
        """;

    [Fact]
    public void Sums_every_label_set_of_exactly_that_name()
    {
        PrometheusText.Sum(Exposition, "tempo_live_store_spans_stored_total").Should().Be(4000);
        PrometheusText.Sum(Exposition, "tempo_distributor_spans_received_total").Should().Be(7);
        PrometheusText.Sum("up 1\r\n", "up").Should().Be(1);
    }

    [Fact]
    public void Missing_metric_is_null_and_garbage_is_an_error()
    {
        PrometheusText.Sum(Exposition, "tempo_live_store_records_consumed_total").Should().BeNull();
        FluentActions.Invoking(() => PrometheusText.Sum("up{job=\"x\"} lots\n", "up"))
            .Should().Throw<FormatException>().WithMessage("*'lots'*");
    }
}
