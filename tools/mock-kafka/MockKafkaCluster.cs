using System.Runtime.InteropServices;
using System.Text;

namespace Tempo.Streaming.MockKafka;

/// <summary>
/// An in-process Kafka cluster speaking the real wire protocol on 127.0.0.1 (random ports), from librdkafka's test
/// support: produce, fetch, groups, offset commits, watermarks. It has no CreateTopics handler (topics are made with
/// <see cref="CreateTopic"/>; unknown topics are auto-created with 4 partitions on first metadata request), keeps data in
/// memory only and does not look up offsets by timestamp (../shared/deps/native.md §2).
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private const string Lib = "librdkafka.so.1";
    private const int ProducerType = 0;

    private IntPtr _handle;
    private IntPtr _cluster;

    public MockKafkaCluster(int brokers = 1)
    {
        if (brokers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(brokers), brokers, "a cluster needs at least one broker");
        }

        var error = new StringBuilder(512);
        var conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", error, (UIntPtr)error.Capacity);
        // The handle only hosts the cluster's thread; it never connects anywhere. It takes ownership of conf.
        _handle = rd_kafka_new(ProducerType, conf, error, (UIntPtr)error.Capacity);
        if (_handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + error);
        }

        _cluster = rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(_handle);
            _handle = IntPtr.Zero;
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        BootstrapServers = Marshal.PtrToStringAnsi(rd_kafka_mock_cluster_bootstraps(_cluster))
                           ?? throw new InvalidOperationException("the mock cluster reported no bootstrap servers");
        Brokers = brokers;
    }

    /// <summary><c>127.0.0.1:port[,127.0.0.1:port...]</c>.</summary>
    public string BootstrapServers { get; }

    public int Brokers { get; }

    /// <summary>Creates <paramref name="topic"/> with a chosen partition count (the mock's only way to do so).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var rc = rd_kafka_mock_topic_create(Cluster, topic, partitions, replicationFactor);
        if (rc != 0)
        {
            throw new InvalidOperationException($"creating topic {topic} with {partitions} partitions failed: librdkafka error {rc}");
        }
    }

    /// <summary>Takes broker <paramref name="brokerId"/> (1-based) down: its connections close and it refuses new ones.</summary>
    public void SetBrokerDown(int brokerId) => Check(rd_kafka_mock_broker_set_down(Cluster, brokerId), $"taking broker {brokerId} down");

    /// <summary>Brings broker <paramref name="brokerId"/> back up.</summary>
    public void SetBrokerUp(int brokerId) => Check(rd_kafka_mock_broker_set_up(Cluster, brokerId), $"bringing broker {brokerId} up");

    /// <summary>Takes every broker down (a whole-cluster outage).</summary>
    public void SetAllBrokersDown()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            SetBrokerDown(id);
        }
    }

    public void SetAllBrokersUp()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            SetBrokerUp(id);
        }
    }

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = IntPtr.Zero;
        }

        if (_handle != IntPtr.Zero)
        {
            rd_kafka_destroy(_handle);
            _handle = IntPtr.Zero;
        }
    }

    private IntPtr Cluster => _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(MockKafkaCluster));

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"{what} failed: librdkafka error {rc}");
        }
    }

    [DllImport(Lib)]
    private static extern IntPtr rd_kafka_conf_new();

    [DllImport(Lib)]
    private static extern int rd_kafka_conf_set(IntPtr conf, string name, string value, StringBuilder errstr, UIntPtr size);

    [DllImport(Lib)]
    private static extern IntPtr rd_kafka_new(int type, IntPtr conf, StringBuilder errstr, UIntPtr size);

    [DllImport(Lib)]
    private static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Lib)]
    private static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [DllImport(Lib)]
    private static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [DllImport(Lib)]
    private static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [DllImport(Lib)]
    private static extern int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [DllImport(Lib)]
    private static extern int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [DllImport(Lib)]
    private static extern int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);
}
