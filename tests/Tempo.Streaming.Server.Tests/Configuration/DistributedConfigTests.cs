using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Tests.Configuration;

/// <summary><c>ingest.kafka</c>, <c>live_store.ring</c>, <c>live_store.partition_ring</c> and what they turn into.</summary>
public sealed class DistributedConfigTests
{
    [Fact]
    public void Defaults_are_tempos()
    {
        var kafka = TempoConfig.Default.Ingest.Kafka;
        kafka.Should().Be(new KafkaIngestConfig
        {
            Address = "localhost:9092",
            Topic = "tempo-ingest",
            ClientId = "",
            DialTimeout = TimeSpan.FromSeconds(2),
            WriteTimeout = TimeSpan.FromSeconds(10),
            ConsumerGroup = "",
            AutoCreateTopicEnabled = true,
            AutoCreateTopicDefaultPartitions = 1000,
            ProducerMaxRecordSizeBytes = 15_983_616,
            ProducerLinger = TimeSpan.FromMilliseconds(50),
            ProducerCompression = "lz4",
        });

        var liveStore = TempoConfig.Default.LiveStore;
        liveStore.Ring.InstanceId.Should().Be(System.Net.Dns.GetHostName(), "Tempo's instance_id defaults to the host name");
        liveStore.Ring.InstanceAvailabilityZone.Should().BeEmpty();
        liveStore.Ring.InstanceAddr.Should().BeEmpty();
        liveStore.Ring.InstancePort.Should().Be(0);
        liveStore.Ring.HeartbeatPeriod.Should().Be(TimeSpan.FromSeconds(5));
        liveStore.Ring.HeartbeatTimeout.Should().Be(TimeSpan.FromMinutes(1));
        liveStore.PartitionRing.Should().Be(new PartitionRingConfig
        {
            MinPartitionOwnersCount = 1,
            MinPartitionOwnersDuration = TimeSpan.FromSeconds(10),
            DeleteInactivePartitionAfter = TimeSpan.FromHours(13),
        });
        liveStore.ShutdownMarkerDir.Should().Be("./data/live-store/shutdown-marker");
    }

    [Fact]
    public void Every_kafka_and_ring_key_is_read()
    {
        var config = ConfigLoader.Parse("""
            target: live-store
            ingest:
              kafka:
                address: kafka-0:9092,kafka-1:9093
                topic: traces
                client_id: tempo-streaming
                dial_timeout: 3s
                write_timeout: 20s
                consumer_group: my-group
                auto_create_topic_enabled: false
                auto_create_topic_default_partitions: 12
                producer_max_record_size_bytes: 2097152
                producer_linger: 5ms
                producer_compression: zstd
            live_store:
              shutdown_marker_dir: /var/tempo/marker
              ring:
                instance_id: live-store-zone-b-7
                instance_availability_zone: zone-b
                instance_addr: 10.0.0.7
                instance_port: 13200
                heartbeat_period: 2s
                heartbeat_timeout: 30s
              partition_ring:
                min_partition_owners_count: 2
                min_partition_owners_duration: 1s
                delete_inactive_partition_after: 0s
            """);

        config.Ingest.Kafka.Should().Be(new KafkaIngestConfig
        {
            Address = "kafka-0:9092,kafka-1:9093",
            Topic = "traces",
            ClientId = "tempo-streaming",
            DialTimeout = TimeSpan.FromSeconds(3),
            WriteTimeout = TimeSpan.FromSeconds(20),
            ConsumerGroup = "my-group",
            AutoCreateTopicEnabled = false,
            AutoCreateTopicDefaultPartitions = 12,
            ProducerMaxRecordSizeBytes = 2_097_152,
            ProducerLinger = TimeSpan.FromMilliseconds(5),
            ProducerCompression = "zstd",
        });
        config.LiveStore.Ring.Should().Be(new LiveStoreRingConfig
        {
            InstanceId = "live-store-zone-b-7",
            InstanceAvailabilityZone = "zone-b",
            InstanceAddr = "10.0.0.7",
            InstancePort = 13200,
            HeartbeatPeriod = TimeSpan.FromSeconds(2),
            HeartbeatTimeout = TimeSpan.FromSeconds(30),
        });
        config.LiveStore.PartitionRing.Should().Be(new PartitionRingConfig
        {
            MinPartitionOwnersCount = 2,
            MinPartitionOwnersDuration = TimeSpan.FromSeconds(1),
            DeleteInactivePartitionAfter = TimeSpan.Zero,
        });
        config.LiveStore.ShutdownMarkerDir.Should().Be("/var/tempo/marker");
    }

    [Theory]
    [InlineData("ingest:\n  kafka:\n    address: \"\"\n", "ingest.kafka.address: the Kafka address has not been configured (line 3, column 14)")]
    [InlineData("ingest:\n  kafka:\n    address: kafka\n",
        "ingest.kafka.address: invalid broker address \"kafka\": expected host:port with a port from 1 to 65535 (several brokers separated by commas) (line 3, column 14)")]
    [InlineData("ingest:\n  kafka:\n    address: a:9092,b:0\n",
        "ingest.kafka.address: invalid broker address \"b:0\": expected host:port with a port from 1 to 65535 (several brokers separated by commas) (line 3, column 14)")]
    [InlineData("ingest:\n  kafka:\n    topic: \"\"\n", "ingest.kafka.topic: the Kafka topic has not been configured (line 3, column 12)")]
    [InlineData("ingest:\n  kafka:\n    topic: my/topic\n",
        "ingest.kafka.topic: invalid Kafka topic name \"my/topic\": only ASCII letters, digits, '.', '_' and '-' are allowed (line 3, column 12)")]
    [InlineData("ingest:\n  kafka:\n    dial_timeout: 0s\n", "ingest.kafka.dial_timeout: must be positive (line 3, column 19)")]
    [InlineData("ingest:\n  kafka:\n    write_timeout: soon\n",
        "ingest.kafka.write_timeout: invalid value \"soon\": invalid duration \"soon\" (expected a number followed by a unit: ns, us, ms, s, m, h); durations use Go syntax such as 500ms, 15m, 1h30m (line 3, column 20)")]
    [InlineData("ingest:\n  kafka:\n    auto_create_topic_enabled: yes\n",
        "ingest.kafka.auto_create_topic_enabled: invalid value \"yes\": expected true or false (line 3, column 32)")]
    [InlineData("ingest:\n  kafka:\n    auto_create_topic_default_partitions: -1\n",
        "ingest.kafka.auto_create_topic_default_partitions: invalid value \"-1\": must be 0 (do not create topics) or a partition count up to 1000000 (line 3, column 43)")]
    [InlineData("ingest:\n  kafka:\n    producer_max_record_size_bytes: 1000\n",
        "ingest.kafka.producer_max_record_size_bytes: invalid value \"1000\": the configured producer max record size bytes must be a value between 1048576 and 15983616 (line 3, column 37)")]
    [InlineData("ingest:\n  kafka:\n    producer_linger: 1h\n", "ingest.kafka.producer_linger: must be at most 15m (line 3, column 22)")]
    [InlineData("ingest:\n  kafka:\n    producer_compression: brotli\n",
        "ingest.kafka.producer_compression: invalid value \"brotli\": expected one of none, gzip, snappy, lz4, zstd (line 3, column 27)")]
    [InlineData("ingest:\n  kafka:\n    partitions: 4\n", "unknown key \"ingest.kafka.partitions\" (line 3, column 5)")]
    [InlineData("live_store:\n  ring:\n    instance_id: \"\"\n", "live_store.ring.instance_id: must not be empty (line 3, column 18)")]
    [InlineData("live_store:\n  ring:\n    instance_addr: http://x\n",
        "live_store.ring.instance_addr: invalid value \"http://x\": expected a host name or IP address (the port goes in instance_port) (line 3, column 20)")]
    [InlineData("live_store:\n  ring:\n    instance_port: 70000\n",
        "live_store.ring.instance_port: invalid value \"70000\": must be 0 (server.http_listen_port) or a port up to 65535 (line 3, column 20)")]
    [InlineData("live_store:\n  ring:\n    heartbeat_period: 0s\n", "live_store.ring.heartbeat_period: must be positive (line 3, column 23)")]
    [InlineData("live_store:\n  ring:\n    heartbeat_timeout: 1s\n",
        "live_store.ring.heartbeat_timeout: heartbeat_timeout (1s) must not be shorter than heartbeat_period (5s) (line 3, column 24)")]
    [InlineData("live_store:\n  ring:\n    kvstore: memberlist\n", "unknown key \"live_store.ring.kvstore\" (line 3, column 5)")]
    [InlineData("live_store:\n  partition_ring:\n    min_partition_owners_count: -1\n",
        "live_store.partition_ring.min_partition_owners_count: invalid value \"-1\": must be from 0 to 1000 (line 3, column 33)")]
    [InlineData("live_store:\n  partition_ring:\n    min_partition_owners_duration: -1s\n",
        "live_store.partition_ring.min_partition_owners_duration: invalid value \"-1s\": must not be negative (line 3, column 36)")]
    [InlineData("live_store:\n  partition_ring:\n    delete_inactive_partition_after: forever\n",
        "live_store.partition_ring.delete_inactive_partition_after: invalid value \"forever\": invalid duration \"forever\" (expected a number followed by a unit: ns, us, ms, s, m, h); durations use Go syntax such as 500ms, 15m, 1h30m (line 3, column 38)")]
    [InlineData("live_store:\n  shutdown_marker_dir: \"\"\n", "live_store.shutdown_marker_dir: must not be empty (line 2, column 24)")]
    public void Invalid_values_name_the_key_the_problem_and_the_position(string yaml, string expected)
    {
        var act = () => ConfigLoader.Parse(yaml);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be("invalid config: " + expected);
    }

    [Fact]
    public void Kafka_options_follow_the_config_and_the_ring_topic_is_compacted_with_one_partition()
    {
        var config = ConfigLoader.Parse("""
            target: distributor
            ingest:
              kafka:
                address: 127.0.0.1:9092
                topic: spans
                client_id: me
                write_timeout: 3s
                auto_create_topic_default_partitions: 6
                producer_linger: 10ms
                producer_compression: gzip
            """);

        var ingest = config.ToKafkaLogOptions();
        ingest.Address.Should().Be("127.0.0.1:9092");
        ingest.Topic.Should().Be("spans");
        ingest.ClientId.Should().Be("me");
        ingest.WriteTimeout.Should().Be(TimeSpan.FromSeconds(3));
        ingest.DialTimeout.Should().Be(TimeSpan.FromSeconds(2));
        ingest.Partitions.Should().Be(6);
        ingest.AutoCreateTopicEnabled.Should().BeTrue();
        ingest.ProducerLinger.Should().Be(TimeSpan.FromMilliseconds(10));
        ingest.ProducerCompression.Should().Be("gzip");
        ingest.TopicConfig.Should().BeEmpty();

        var ring = config.ToRingLogOptions();
        ring.Topic.Should().Be("spans-ring");
        ring.Partitions.Should().Be(1);
        ring.AutoCreateTopicEnabled.Should().BeTrue();
        ring.TopicConfig.Should().Equal(new Dictionary<string, string> { ["cleanup.policy"] = "compact" });
        ring.Address.Should().Be("127.0.0.1:9092");

        config.ToDistributorOptions().MaxRecordBytes.Should().Be(15_983_616, "the distributor splits by ingest.kafka's record limit");
    }

    [Fact]
    public void Zero_default_partitions_turns_topic_creation_off_as_tempo_skips_its_topic_setup()
    {
        var config = ConfigLoader.Parse("ingest:\n  kafka:\n    auto_create_topic_default_partitions: 0\n");

        config.ToKafkaLogOptions().AutoCreateTopicEnabled.Should().BeFalse();
        config.ToRingLogOptions().AutoCreateTopicEnabled.Should().BeTrue("the ring topic has its own partition count (1)");
    }

    [Fact]
    public void The_record_limit_is_the_embedded_logs_in_the_single_binary_and_kafkas_on_a_distributor()
    {
        var yaml = "ingest:\n  embedded:\n    producer_max_record_size_bytes: 1048576\n  kafka:\n    producer_max_record_size_bytes: 2097152\n";
        ConfigLoader.Parse(yaml).ToDistributorOptions().MaxRecordBytes.Should().Be(1_048_576);
        ConfigLoader.Parse("target: distributor\n" + yaml).ToDistributorOptions().MaxRecordBytes.Should().Be(2_097_152);
    }

    [Fact]
    public void Lifecycler_options_come_from_the_ring_keys_and_the_target()
    {
        var config = ConfigLoader.Parse("""
            target: live-store
            live_store:
              ring:
                instance_id: live-store-zone-a-1
                instance_availability_zone: zone-a
                heartbeat_period: 3s
              partition_ring:
                min_partition_owners_count: 2
                min_partition_owners_duration: 4s
                delete_inactive_partition_after: 1h
            """);

        var options = config.ToLifecyclerOptions([1], "10.1.2.3:3200");

        options.InstanceId.Should().Be("live-store-zone-a-1");
        options.Partitions.Should().Equal(1);
        options.Zone.Should().Be("zone-a");
        options.HttpAddress.Should().Be("10.1.2.3:3200");
        options.HeartbeatPeriod.Should().Be(TimeSpan.FromSeconds(3));
        options.MinOwnersCount.Should().Be(2);
        options.MinOwnersDuration.Should().Be(TimeSpan.FromSeconds(4));
        options.DeleteInactivePartitionAfter.Should().Be(TimeSpan.FromHours(1));
        options.InitialState.Should().Be(PartitionState.Pending, "a distributed partition waits for its owners");
        (config with { Target = "all" }).ToLifecyclerOptions([0, 1], "x:1").InitialState.Should().Be(PartitionState.Active,
            "the single binary's in-memory ring has no other owner to wait for");
    }

    [Fact]
    public void Live_store_options_consume_the_owned_partition_in_the_zones_group()
    {
        var config = ConfigLoader.Parse("target: live-store\nlive_store:\n  ring:\n    instance_id: live-store-zone-a-3\n");

        var options = config.ToLiveStoreOptions([3]);

        options.Partitions.Should().Equal(3);
        options.ConsumerGroup.Should().Be("live-store-zone-a");
        (config with { Target = "all" }).ToLiveStoreOptions().ConsumerGroup.Should().Be("live-store",
            "the single binary keeps the group its embedded log already holds offsets for");
        (config with { Ingest = config.Ingest with { Kafka = config.Ingest.Kafka with { ConsumerGroup = "mine" } } })
            .ToLiveStoreOptions([3]).ConsumerGroup.Should().Be("mine");
    }

    [Fact]
    public void The_shutdown_marker_is_tempos_file_name_in_the_configured_folder()
    {
        var config = ConfigLoader.Parse("live_store:\n  shutdown_marker_dir: /var/tempo/live-store/shutdown-marker\n");

        config.ShutdownMarkerPath().Should().Be("/var/tempo/live-store/shutdown-marker/shutdown-requested.txt");
    }

    [Fact]
    public void Status_config_shows_every_new_key_with_the_files_names()
    {
        var yaml = ConfigDocument.ToYaml(ConfigDocument.ToTree(ConfigLoader.Parse(
            "ingest:\n  kafka:\n    producer_compression: zstd\nlive_store:\n  ring:\n    instance_id: ls-0\n")));

        foreach (var key in new[]
                 {
                     "kafka:", "address: localhost:9092", "topic: tempo-ingest", "client_id: ''", "dial_timeout: 2s", "write_timeout: 10s",
                     "consumer_group: ''", "auto_create_topic_enabled: true", "auto_create_topic_default_partitions: 1000",
                     "producer_max_record_size_bytes: 15983616", "producer_linger: 50ms", "producer_compression: zstd",
                     "ring:", "instance_id: ls-0", "instance_availability_zone: ''", "instance_addr: ''", "instance_port: 0",
                     "heartbeat_period: 5s", "heartbeat_timeout: 1m0s", "partition_ring:", "min_partition_owners_count: 1",
                     "min_partition_owners_duration: 10s", "delete_inactive_partition_after: 13h0m0s",
                     "shutdown_marker_dir: ./data/live-store/shutdown-marker",
                 })
        {
            yaml.Should().Contain(key);
        }

        // Every key /status/config prints is one the loader accepts: the document round-trips.
        ConfigLoader.Parse(yaml).Should().Be(ConfigLoader.Parse(
            "ingest:\n  kafka:\n    producer_compression: zstd\nlive_store:\n  ring:\n    instance_id: ls-0\n"));
    }
}
