using Tempo.Streaming.IngestLog.Kafka;

namespace Tempo.Streaming.IngestLog.Tests.Kafka;

/// <summary>The shared <see cref="IIngestLog"/> contract, run against the Kafka adapter on librdkafka's mock cluster.</summary>
public sealed class KafkaIngestLogContractTests : IngestLogContractTests, IClassFixture<MockKafkaFixture>
{
    private readonly MockKafkaFixture _kafka;

    public KafkaIngestLogContractTests(MockKafkaFixture kafka)
    {
        _kafka = kafka;
    }

    protected override async Task<IIngestLog> CreateLogAsync(int partitions)
    {
        var topic = _kafka.CreateTopic(partitions);
        return await KafkaIngestLog.OpenAsync(_kafka.Options(topic), _kafka.Logger, meterFactory: null, CancellationToken.None);
    }

    protected override async Task<IIngestLog> ReopenLogAsync(IIngestLog log) =>
        await KafkaIngestLog.OpenAsync(_kafka.Options(log.Topic), _kafka.Logger, meterFactory: null, CancellationToken.None);
}
