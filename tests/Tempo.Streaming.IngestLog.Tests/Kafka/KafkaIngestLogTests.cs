using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Tempo.Streaming.IngestLog.Kafka;
using Tempo.Streaming.MockKafka;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.IngestLog.Tests.Kafka;

/// <summary>Behaviour of the Kafka adapter beyond the shared contract: outages, topic setup, options, interoperability.</summary>
public sealed class KafkaIngestLogTests : IClassFixture<MockKafkaFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset BaseTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private readonly MockKafkaFixture _kafka;
    private readonly List<IAsyncDisposable> _open = new();

    public KafkaIngestLogTests(MockKafkaFixture kafka)
    {
        _kafka = kafka;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var open in _open)
        {
            await open.DisposeAsync();
        }
    }

    private async Task<KafkaIngestLog> OpenAsync(KafkaLogOptions options)
    {
        var log = await KafkaIngestLog.OpenAsync(options, _kafka.Logger, meterFactory: null, CancellationToken.None);
        _open.Add(log);
        return log;
    }

    private static IngestRecord Record(string tenant, byte[] value) => new(Encoding.UTF8.GetBytes(tenant), value, BaseTime);

    private static IngestRecord Record(string tenant, string value) => Record(tenant, Encoding.UTF8.GetBytes(value));

    [Fact]
    public async Task A_broker_outage_fails_appends_with_a_message_and_reads_resume_after_it()
    {
        // Its own cluster: taking the brokers down must not disturb the other tests of this class.
        using var cluster = new MockKafkaCluster(brokers: 1);
        var topic = _kafka.NewTopicName("outage");
        cluster.CreateTopic(topic, 1);
        var options = _kafka.Options(topic) with
        {
            Address = cluster.BootstrapServers,
            WriteTimeout = TimeSpan.FromSeconds(2),
            RetryBackoffMax = TimeSpan.FromMilliseconds(500),
        };
        var log = await OpenAsync(options);
        (await log.AppendAsync(0, [Record("t", "before-0"), Record("t", "before-1")], CancellationToken.None)).Should().Equal(0, 1);

        // A reader that keeps polling through the outage, as the live store does.
        using var stopReading = new CancellationTokenSource();
        var seen = new List<string>();
        var reading = Task.Run(async () =>
        {
            long next = 0;
            while (!stopReading.IsCancellationRequested)
            {
                var batch = await log.ReadAsync(0, next, 100, 1 << 20, CancellationToken.None);
                lock (seen)
                {
                    foreach (var record in batch)
                    {
                        seen.Add(Encoding.UTF8.GetString(record.Value.Span));
                        next = record.Offset + 1;
                    }
                }

                if (batch.Count == 0)
                {
                    await Task.Delay(20);
                }
            }
        });

        cluster.SetAllBrokersDown();
        var failing = async () => await log.AppendAsync(0, [Record("t", "during")], CancellationToken.None);
        var failure = await failing.Should().ThrowAsync<IngestLogUnavailableException>();
        failure.Which.Message.Should().Contain($"partition 0 of {topic}").And.Contain("within 2s");

        cluster.SetAllBrokersUp();
        long[]? after = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (after is null)
        {
            try
            {
                after = await log.AppendAsync(0, [Record("t", "after-0"), Record("t", "after-1")], CancellationToken.None);
            }
            catch (IngestLogUnavailableException) when (DateTime.UtcNow < deadline)
            {
                // The producer may still be reconnecting; the distributor's client would retry the push the same way.
            }
        }

        after.Should().HaveCount(2);
        after[1].Should().Be(after[0] + 1);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            lock (seen)
            {
                if (seen.Contains("after-1"))
                {
                    break;
                }
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "the reader that polled through the outage should receive the records appended after it");
            await Task.Delay(50);
        }

        await stopReading.CancelAsync();
        await reading;
        lock (seen)
        {
            seen.Should().StartWith(["before-0", "before-1"]).And.EndWith(["after-0", "after-1"]);
            seen.Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public async Task Open_finds_a_topic_it_could_not_create_through_metadata()
    {
        // The mock broker has no CreateTopics handler; like a broker that refuses creation but auto-creates on metadata.
        var topic = _kafka.NewTopicName("autocreate");
        var options = _kafka.Options(topic) with { AutoCreateTopicEnabled = true, Partitions = 2 };

        var log = await OpenAsync(options);

        log.Topic.Should().Be(topic);
        log.PartitionCount.Should().BeGreaterThan(0);
        var last = log.PartitionCount - 1;
        (await log.AppendAsync(last, [Record("t", "created")], CancellationToken.None)).Should().Equal(0);
        (await log.GetHighWatermarkAsync(last, CancellationToken.None)).Should().Be(1);
        var listing = Encoding.UTF8.GetString(await Kcat.RunAsync("-b", _kafka.Cluster.BootstrapServers, "-L", "-t", topic));
        listing.Should().Contain($"topic \"{topic}\" with {log.PartitionCount} partitions");
    }

    [Fact]
    public async Task Open_fails_with_the_topic_and_address_when_no_broker_answers()
    {
        // (The mock broker auto-creates every topic a metadata request names, so "missing topic" looks the same as this
        // from the client: metadata never lists the topic.) Port 1 on loopback: nothing listens there.
        var options = _kafka.Options("unreachable") with { Address = "127.0.0.1:1", AutoCreateTopicEnabled = true };

        var open = async () => await OpenAsync(options);

        var failure = await open.Should().ThrowAsync<InvalidOperationException>();
        failure.Which.Message.Should().Contain("Kafka topic unreachable is not available on 127.0.0.1:1");
    }

    [Fact]
    public async Task Unknown_compression_is_rejected_before_connecting()
    {
        var options = _kafka.Options("any") with { ProducerCompression = "brotli" };

        var open = async () => await OpenAsync(options);

        (await open.Should().ThrowAsync<ArgumentException>()).Which.Message
            .Should().Contain("brotli").And.Contain("none, gzip, snappy, lz4, zstd");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("snappy")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public async Task Every_supported_compression_round_trips_and_kcat_reads_keys_and_value_sizes(string compression)
    {
        var topic = _kafka.CreateTopic(2);
        var log = await OpenAsync(_kafka.Options(topic) with { ProducerCompression = compression });
        // Compressible and incompressible values of several sizes; an empty value is a Kafka tombstone (null).
        var random = new Random(7);
        var noise = new byte[70_000];
        random.NextBytes(noise);
        IngestRecord[] records =
        [
            Record("tenant-a", new string('a', 5_000)),
            Record("tenant-b", noise),
            Record("single-tenant", "x"),
            Record("tenant-c", Array.Empty<byte>()),
        ];

        var offsets = await log.AppendAsync(1, records, CancellationToken.None);

        offsets.Should().Equal(0, 1, 2, 3);
        var read = await ReadAllAsync(log, 1, records.Length);
        for (var i = 0; i < records.Length; i++)
        {
            read[i].Key.ToArray().Should().Equal(records[i].Key.ToArray());
            read[i].Value.ToArray().Should().Equal(records[i].Value.ToArray());
        }

        var lines = Encoding.UTF8.GetString(await Kcat.RunAsync("-b", _kafka.Cluster.BootstrapServers, "-C", "-t", topic, "-p", "1",
            "-o", "beginning", "-e", "-q", "-f", "%k\t%S\n")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // kcat prints a null value's size as -1.
        lines.Should().Equal("tenant-a\t5000", "tenant-b\t70000", "single-tenant\t1", "tenant-c\t-1");
    }

    [Fact]
    public async Task Kcat_reads_a_value_that_decodes_as_the_PushBytesRequest_written()
    {
        var topic = _kafka.CreateTopic(1);
        var log = await OpenAsync(_kafka.Options(topic));
        var traceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        var trace = new Trace
        {
            ResourceSpans =
            {
                new OpenTelemetry.Proto.Trace.V1.ResourceSpans
                {
                    ScopeSpans =
                    {
                        new OpenTelemetry.Proto.Trace.V1.ScopeSpans
                        {
                            Spans =
                            {
                                new OpenTelemetry.Proto.Trace.V1.Span
                                {
                                    TraceId = traceId,
                                    SpanId = ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8),
                                    Name = "GET /checkout",
                                    StartTimeUnixNano = 1_700_000_000_000_000_000,
                                    EndTimeUnixNano = 1_700_000_000_250_000_000,
                                },
                            },
                        },
                    },
                },
            },
        };
        var request = new PushBytesRequest { Traces = { trace.ToByteString() }, Ids = { traceId } };
        await log.AppendAsync(0, [Record("tenant-x", "padding"), Record("tenant-x", request.ToByteArray())], CancellationToken.None);

        // One message, value only, no delimiter: stdout is exactly the value's bytes.
        var value = await Kcat.RunAsync("-b", _kafka.Cluster.BootstrapServers, "-C", "-t", topic, "-p", "0", "-o", "1", "-c", "1",
            "-e", "-q", "-f", "%s");
        var key = Encoding.UTF8.GetString(await Kcat.RunAsync("-b", _kafka.Cluster.BootstrapServers, "-C", "-t", topic, "-p", "0",
            "-o", "1", "-c", "1", "-e", "-q", "-f", "%k"));

        key.Should().Be("tenant-x");
        var decoded = PushBytesRequest.Parser.ParseFrom(value);
        decoded.Should().Be(request);
        Trace.Parser.ParseFrom(decoded.Traces[0]).Should().Be(trace);
    }

    [Fact]
    public async Task High_watermark_is_answered_synchronously_while_the_partition_is_being_read()
    {
        var topic = _kafka.CreateTopic(1);
        var log = await OpenAsync(_kafka.Options(topic));
        await log.AppendAsync(0, [Record("t", "a"), Record("t", "b"), Record("t", "c")], CancellationToken.None);
        await ReadAllAsync(log, 0, 3);

        // The live store's lag gauge reads this from a metrics callback and only uses an answer that is already there.
        var cached = log.GetHighWatermarkAsync(0, CancellationToken.None);
        cached.IsCompletedSuccessfully.Should().BeTrue("a partition read within the last second has a cached high watermark");
        (await cached).Should().Be(3);

        await log.AppendAsync(0, [Record("t", "d"), Record("t", "e")], CancellationToken.None);
        await log.ReadAsync(0, 3, 10, 1 << 20, CancellationToken.None);
        var afterAppend = log.GetHighWatermarkAsync(0, CancellationToken.None);
        afterAppend.IsCompletedSuccessfully.Should().BeTrue();
        (await afterAppend).Should().Be(5, "the cached value never trails what Kafka acknowledged to this log");

        var unread = _kafka.CreateTopic(1);
        var other = await OpenAsync(_kafka.Options(unread));
        (await other.GetHighWatermarkAsync(0, CancellationToken.None)).Should().Be(0, "an unread partition is asked of the broker");
    }

    [Fact]
    public async Task Records_follow_Kafka_conventions_so_other_clients_interoperate()
    {
        var topic = _kafka.CreateTopic(1);
        var log = await OpenAsync(_kafka.Options(topic));
        await log.AppendAsync(0, [Record("tenant-a", "ours"), new IngestRecord(Encoding.UTF8.GetBytes("ring"), ReadOnlyMemory<byte>.Empty,
            BaseTime.AddSeconds(1))], CancellationToken.None);

        // Another client (Tempo's Go client would be one) produces a record without key.
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = _kafka.Cluster.BootstrapServers })
                   .Build())
        {
            await producer.ProduceAsync(new TopicPartition(topic, new Partition(0)),
                new Message<byte[]?, byte[]?> { Key = null, Value = [42], Timestamp = new Timestamp(BaseTime.AddSeconds(2)) });
        }

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _kafka.Cluster.BootstrapServers,
            GroupId = "interop-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, new Partition(0), Offset.Beginning));
        var theirs = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (theirs.Count < 3)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "a plain Kafka consumer should read the three records");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                theirs.Add(result);
            }
        }

        consumer.Close();
        theirs[0].Message.Key.Should().Equal(Encoding.UTF8.GetBytes("tenant-a"));
        theirs[0].Message.Timestamp.Type.Should().Be(TimestampType.CreateTime);
        theirs[0].Message.Timestamp.UnixTimestampMs.Should().Be(BaseTime.ToUnixTimeMilliseconds());
        theirs[1].Message.Value.Should().BeNull("an empty value is written as a tombstone, which compacted topics delete by");

        var ours = await ReadAllAsync(log, 0, 3);
        ours[2].Key.Length.Should().Be(0);
        ours[2].Value.ToArray().Should().Equal(42);
        ours[2].Timestamp.Should().Be(BaseTime.AddSeconds(2));
    }

    private static async Task<List<LogRecord>> ReadAllAsync(IIngestLog log, int partition, int count)
    {
        var records = new List<LogRecord>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (records.Count < count)
        {
            var next = records.Count == 0 ? 0 : records[^1].Offset + 1;
            var batch = await log.ReadAsync(partition, next, 100, 1 << 24, CancellationToken.None);
            records.AddRange(batch);
            if (batch.Count == 0)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, $"{count} records of partition {partition} should become readable");
                await Task.Delay(20);
            }
        }

        return records;
    }
}
