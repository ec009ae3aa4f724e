using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// The ingest log on a Kafka topic (ARCHITECTURE.md §3, distributed mode), through Confluent.Kafka 1.9.3 on Debian's
/// librdkafka. One idempotent producer (acks=all) appends to explicit partitions; each partition is read through its
/// own explicitly assigned consumer; consumer-group offsets are committed and read through one consumer per group that
/// never subscribes (so it never takes part in a rebalance). Records are Tempo's: key = tenant, value =
/// <c>tempopb.PushBytesRequest</c>; this class treats both as opaque bytes.
/// </summary>
public sealed partial class KafkaIngestLog : IIngestLog
{
    private readonly KafkaLogOptions _options;
    private readonly ILogger _logger;
    private readonly KafkaLogMetrics _metrics;
    private readonly KafkaClientEvents _events;
    private readonly KafkaRetry _retry;
    private readonly KeyValuePair<string, object?> _topicTag;

    /// <summary>Consumers created on first use; they only query the brokers (watermarks, offsets by time), never fetch.</summary>
    private readonly Lazy<(IConsumer<byte[]?, byte[]?> Consumer, string Label)> _queryConsumer;

    private readonly ConcurrentDictionary<string, Lazy<(IConsumer<byte[]?, byte[]?> Consumer, string Label)>> _groupConsumers = new(StringComparer.Ordinal);
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private int _disposed;

    private KafkaIngestLog(KafkaLogOptions options, ILogger logger, KafkaLogMetrics metrics, KafkaClientEvents events,
        IProducer<byte[]?, byte[]?> producer, string producerLabel, int partitionCount)
    {
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _events = events;
        _retry = new KafkaRetry(options, logger, events);
        _topicTag = new KeyValuePair<string, object?>("topic", options.Topic);
        _producer = producer;
        _producerLabel = producerLabel;
        PartitionCount = partitionCount;
        _appendGates = new SemaphoreSlim[partitionCount];
        _acknowledgedEnd = new long[partitionCount];
        _readers = new KafkaPartitionReader?[partitionCount];
        for (var i = 0; i < partitionCount; i++)
        {
            _appendGates[i] = new SemaphoreSlim(1, 1);
        }

        _queryConsumer = new Lazy<(IConsumer<byte[]?, byte[]?>, string)>(() => (BuildConsumer(PrivateGroupId("query"), "query", out var label), label));
        _events.Fatal += OnClientFatal;
    }

    public string Topic => _options.Topic;

    public int PartitionCount { get; }

    /// <summary>
    /// Connects to <see cref="KafkaLogOptions.Address"/>, creates the topic when allowed (best effort) and reads its
    /// partition count from metadata. Fails with a message naming the topic and the brokers when the topic cannot be
    /// found; throws <see cref="ArgumentException"/> for invalid options (e.g. an unknown compression codec).
    /// </summary>
    public static async Task<KafkaIngestLog> OpenAsync(KafkaLogOptions options, ILogger logger, IMeterFactory? meterFactory,
        CancellationToken cancellationToken)
    {
        KafkaClientConfig.Validate(options);
        ArgumentNullException.ThrowIfNull(logger);
        KafkaNative.EnsureInitialized();

        var events = new KafkaClientEvents(logger);
        var (producer, producerLabel) = BuildProducer(options, events);
        int partitions;
        try
        {
            // The admin calls share the producer's connections instead of opening their own.
            using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
            partitions = await KafkaTopicSetup.EnsureTopicAsync(admin, options, logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            producer.Dispose();
            throw;
        }

        var log = new KafkaIngestLog(options, logger, new KafkaLogMetrics(meterFactory), events, producer, producerLabel, partitions);
        KafkaLogMessages.Opened(logger, options.Topic, options.Address, partitions, options.ProducerCompression);
        return log;
    }

    /// <summary>
    /// The handlers name the client by a label fixed at build time and never touch the client object: librdkafka calls
    /// them from its own threads, also while the client is being destroyed, when reading the client's name crashes the
    /// process (seen here: SIGSEGV from <c>client.Name</c> in an error callback during <c>Dispose</c>).
    /// </summary>
    private static (IProducer<byte[]?, byte[]?> Producer, string Label) BuildProducer(KafkaLogOptions options, KafkaClientEvents events)
    {
        var label = events.NewLabel("producer", options.Topic);
        var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfig.Producer(options))
            .SetErrorHandler((_, error) => events.OnError(label, error))
            .SetLogHandler((_, message) => events.OnLog(label, message))
            .Build();
        return (producer, label);
    }

    private IConsumer<byte[]?, byte[]?> BuildConsumer(string groupId, string role, out string label)
    {
        var name = _events.NewLabel(role, Topic);
        label = name;
        return new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfig.Consumer(_options, groupId, role))
            .SetErrorHandler((_, error) => _events.OnError(name, error))
            .SetLogHandler((_, message) => _events.OnLog(name, message))
            .Build();
    }

    /// <summary>A group ID no other process uses: readers and queries need one, but must never share offsets.</summary>
    private string PrivateGroupId(string role) => $"tempo-streaming-{role}-{_instanceId}";

    private void CheckPartition(int partition)
    {
        if ((uint)partition >= (uint)PartitionCount)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition,
                $"topic {Topic} has partitions 0 to {PartitionCount - 1}");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }

    /// <summary>
    /// Flushes the producer (bounded by the write timeout: appends still waiting get their delivery reports) and closes
    /// every consumer. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _events.Fatal -= OnClientFatal;
        var producer = _producer;
        var pending = await Task.Run(() => producer.Flush(_options.WriteTimeout)).ConfigureAwait(false);
        if (pending > 0)
        {
            KafkaLogMessages.FlushIncomplete(_logger, Topic, pending);
        }

        producer.Dispose();

        for (var i = 0; i < _readers.Length; i++)
        {
            var reader = Interlocked.Exchange(ref _readers[i], null);
            if (reader is null)
            {
                continue;
            }

            // A read in flight ends within the fetch wait; close only after it so the consumer is not used while closing.
            await reader.Gate.WaitAsync().ConfigureAwait(false);
            Close(reader.Label, reader.Dispose);
        }

        if (_queryConsumer.IsValueCreated)
        {
            Close(_queryConsumer.Value.Label, _queryConsumer.Value.Consumer.Dispose);
        }

        foreach (var group in _groupConsumers.Values)
        {
            if (group.IsValueCreated)
            {
                var (consumer, label) = group.Value;
                Close(label, () =>
                {
                    consumer.Close();
                    consumer.Dispose();
                });
            }
        }

        _metrics.Dispose();
        KafkaLogMessages.Closed(_logger, Topic);
    }

    private void Close(string client, Action close)
    {
        try
        {
            close();
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            KafkaLogMessages.CloseFailed(_logger, e, client);
        }
    }
}
