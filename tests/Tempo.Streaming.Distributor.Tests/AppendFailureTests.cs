using Tempo.Streaming.Distributor.Tests.Support;
using static Tempo.Streaming.Distributor.Tests.Support.Otlp;

namespace Tempo.Streaming.Distributor.Tests;

public sealed class AppendFailureTests
{
    [Fact]
    public async Task A_failed_append_rejects_the_push_as_log_unavailable_after_every_partition_finished()
    {
        using var harness = new DistributorHarness(partitions: 4);
        harness.Log.FailingPartitions.Add(2);
        var spans = Enumerable.Range(0, 100).Select(i => Span(i, i, "s")).ToArray();

        var act = () => harness.PushAsync(Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, spans))));

        var error = (await act.Should().ThrowAsync<PushRejectedException>()).Which;
        error.Reason.Should().Be(PushRejectionReason.LogUnavailable);
        error.Message.Should().Contain("1 of 4 partition appends failed").And.Contain("partition 2 is unavailable").And.Contain("retry");
        error.InnerException.Should().BeOfType<IOException>();
        harness.Log.AppendCalls.Should().Be(4, "every partition's append was started concurrently and awaited");
        harness.Log.RecordsOf(2).Should().BeEmpty();
    }

    [Fact]
    public async Task Cancellation_surfaces_as_cancellation_not_as_an_unavailable_log()
    {
        using var cts = new CancellationTokenSource();
        var log = new CancellingLog(cts);
        using var distributor = new TraceDistributor(log, new InMemoryPartitionRing(1), DistributorOptions.Default);

        var act = () => distributor.PushAsync("t", Bytes(ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, Span(1, 1, "a")))),
            cts.Token).AsTask();

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    private sealed class CancellingLog(CancellationTokenSource cts) : Tempo.Streaming.IngestLog.IIngestLog
    {
        private readonly RecordingIngestLog _inner = new(1);

        public string Topic => _inner.Topic;

        public int PartitionCount => 1;

        public async ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<Tempo.Streaming.IngestLog.IngestRecord> records,
            CancellationToken cancellationToken)
        {
            await cts.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return [];
        }

        public ValueTask<IReadOnlyList<Tempo.Streaming.IngestLog.LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords,
            int maxBytes, CancellationToken cancellationToken) => _inner.ReadAsync(partition, fromOffset, maxRecords, maxBytes, cancellationToken);

        public ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken) =>
            _inner.GetLogStartOffsetAsync(partition, cancellationToken);

        public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken) =>
            _inner.GetHighWatermarkAsync(partition, cancellationToken);

        public ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken) =>
            _inner.CommitAsync(group, partition, nextOffset, cancellationToken);

        public ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken) =>
            _inner.GetCommittedAsync(group, partition, cancellationToken);

        public ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
            _inner.GetOffsetForTimestampAsync(partition, timestamp, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
