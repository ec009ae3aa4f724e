using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.IngestLog.Kafka;
using Tempo.Streaming.MockKafka;

namespace Tempo.Streaming.IngestLog.Tests.Kafka;

/// <summary>
/// One librdkafka mock cluster per test class (real Kafka protocol on 127.0.0.1); each test makes its own topic, so
/// tests of a class do not see each other's records.
/// </summary>
public sealed class MockKafkaFixture : IDisposable
{
    private int _topics;

    public MockKafkaFixture()
    {
        KafkaNative.EnsureInitialized();
        Cluster = new MockKafkaCluster(brokers: 1);
    }

    public MockKafkaCluster Cluster { get; }

    public ILogger Logger { get; } = NullLogger.Instance;

    /// <summary>A topic name no other test of this class uses.</summary>
    public string NewTopicName(string prefix = "ingest") => $"{prefix}-{Interlocked.Increment(ref _topics)}-{Guid.NewGuid():N}"[..40];

    /// <summary>A topic created through the mock's API (it has no CreateTopics handler).</summary>
    public string CreateTopic(int partitions, string prefix = "ingest")
    {
        var topic = NewTopicName(prefix);
        Cluster.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>Options for a topic that already exists: no creation attempt, short waits so tests stay quick.</summary>
    public KafkaLogOptions Options(string topic) => new()
    {
        Address = Cluster.BootstrapServers,
        Topic = topic,
        AutoCreateTopicEnabled = false,
        DialTimeout = TimeSpan.FromSeconds(1),
        WriteTimeout = TimeSpan.FromSeconds(10),
        ProducerLinger = TimeSpan.FromMilliseconds(5),
        FetchWait = TimeSpan.FromMilliseconds(100),
    };

    public void Dispose() => Cluster.Dispose();
}
