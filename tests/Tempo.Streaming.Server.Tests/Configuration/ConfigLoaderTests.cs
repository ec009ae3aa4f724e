using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Defaults_are_the_single_binary_with_local_data_folders()
    {
        var config = TempoConfig.Default;

        config.Target.Should().Be("all");
        config.MultitenancyEnabled.Should().BeFalse();
        config.Server.Should().Be(new ServerConfig { HttpListenAddress = "", HttpListenPort = 3200, LogLevel = LogLevelSetting.Info });
        config.Distributor.MaxAttributeBytes.Should().Be(2048);
        config.Distributor.Receivers.Otlp!.Grpc.Should().Be(new OtlpGrpcProtocolConfig { Endpoint = "localhost:4317", MaxRecvMsgSizeMib = 4 });
        config.Distributor.Receivers.Otlp.Http.Should().Be(
            new OtlpHttpProtocolConfig { Endpoint = "localhost:4318", MaxRequestBodySize = 20 * 1024 * 1024 });
        config.Ingest.Embedded.Path.Should().Be("./data/ingest");
        config.Ingest.Embedded.Partitions.Should().Be(4);
        config.Ingest.Embedded.RetentionPeriod.Should().Be(TimeSpan.FromHours(24));
        config.Ingest.Embedded.ProducerMaxRecordSizeBytes.Should().Be(15_983_616);
        config.Storage.Trace.Backend.Should().Be(StorageBackend.Local);
        config.Storage.Trace.Local.Path.Should().Be("./data/blocks");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void An_empty_file_means_defaults(string yaml) => ConfigLoader.Parse(yaml).Should().Be(TempoConfig.Default);

    [Fact]
    public void Every_key_is_read()
    {
        const string yaml = """
            target: all
            multitenancy_enabled: true
            server:
              http_listen_address: 127.0.0.1
              http_listen_port: 13200
              log_level: debug
            distributor:
              max_attribute_bytes: 512
              receivers:
                otlp:
                  protocols:
                    grpc:
                      endpoint: 0.0.0.0:14317
                      max_recv_msg_size_mib: 16
                    http:
                      endpoint: "[::1]:14318"
                      max_request_body_size: 1048576
            ingest:
              embedded:
                path: /var/tempo/ingest
                topic: my-topic
                partitions: 8
                segment_bytes: 2097152
                retention_bytes: 0
                retention_period: 1h30m
                compression: none
                producer_max_record_size_bytes: 2000000
            storage:
              trace:
                backend: s3
                local:
                  path: /var/tempo/blocks
                s3:
                  bucket: tempo
                  endpoint: minio:9000
                  access_key: key
                  secret_key: secret
                  insecure: true
                  forcepathstyle: true
                  region: eu-west-1
            """;

        var config = ConfigLoader.Parse(yaml);

        config.Should().Be(new TempoConfig
        {
            Target = "all",
            MultitenancyEnabled = true,
            Server = new ServerConfig { HttpListenAddress = "127.0.0.1", HttpListenPort = 13200, LogLevel = LogLevelSetting.Debug },
            Distributor = new DistributorConfig
            {
                MaxAttributeBytes = 512,
                Receivers = new ReceiversConfig
                {
                    Otlp = new OtlpReceiverConfig
                    {
                        Grpc = new OtlpGrpcProtocolConfig { Endpoint = "0.0.0.0:14317", MaxRecvMsgSizeMib = 16 },
                        Http = new OtlpHttpProtocolConfig { Endpoint = "[::1]:14318", MaxRequestBodySize = 1_048_576 },
                    },
                },
            },
            Ingest = new IngestConfig
            {
                Embedded = new EmbeddedIngestConfig
                {
                    Path = "/var/tempo/ingest",
                    Topic = "my-topic",
                    Partitions = 8,
                    SegmentBytes = 2_097_152,
                    RetentionBytes = 0,
                    RetentionPeriod = TimeSpan.FromMinutes(90),
                    Compression = Tempo.Streaming.IngestLog.LogCompression.None,
                    ProducerMaxRecordSizeBytes = 2_000_000,
                },
            },
            Storage = new StorageConfig
            {
                Trace = new TraceStorageConfig
                {
                    Backend = StorageBackend.S3,
                    Local = new LocalStorageConfig { Path = "/var/tempo/blocks" },
                    S3 = new S3StorageConfig
                    {
                        Bucket = "tempo", Endpoint = "minio:9000", AccessKey = "key", SecretKey = "secret",
                        Insecure = true, ForcePathStyle = true, Region = "eu-west-1",
                    },
                },
            },
        });
    }

    [Fact]
    public void Live_store_and_override_keys_are_read()
    {
        var config = ConfigLoader.Parse("""
            live_store:
              path: /var/tempo/live
              max_trace_idle: 2s
              max_trace_live: 1m
              max_live_traces_bytes: 1000
              block_cache_size_bytes: 2097152
              max_block_bytes: 1048576
              max_block_duration: 30s
              complete_block_timeout: 0s
              flush_check_period: 1s
              concurrent_flushes: 3
              flush_blocks: false
            overrides:
              defaults:
                global:
                  max_bytes_per_trace: 0
            """);

        config.LiveStore.Should().Be(new LiveStoreConfig
        {
            Path = "/var/tempo/live",
            MaxTraceIdle = TimeSpan.FromSeconds(2),
            MaxTraceLive = TimeSpan.FromMinutes(1),
            MaxLiveTracesBytes = 1000,
            BlockCacheSizeBytes = 2 * 1024 * 1024,
            MaxBlockBytes = 1024 * 1024,
            MaxBlockDuration = TimeSpan.FromSeconds(30),
            CompleteBlockTimeout = TimeSpan.Zero,
            FlushCheckPeriod = TimeSpan.FromSeconds(1),
            ConcurrentFlushes = 3,
            FlushBlocks = false,
        });
        config.Overrides.MaxBytesPerTrace.Should().Be(0);
    }

    [Theory]
    [InlineData("max_block_bytes: 0", "live_store.max_block_bytes")]
    [InlineData("max_block_duration: 0s", "live_store.max_block_duration")]
    [InlineData("complete_block_timeout: -1s", "live_store.complete_block_timeout")]
    [InlineData("flush_check_period: 0s", "live_store.flush_check_period")]
    [InlineData("concurrent_flushes: 0", "live_store.concurrent_flushes")]
    public void Bad_flush_settings_are_refused_with_the_key_named(string line, string key)
    {
        var act = () => ConfigLoader.Parse("live_store:\n  " + line + "\n");

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain(key);
    }

    [Fact]
    public void An_unknown_override_key_is_named_with_its_path()
    {
        var act = () => ConfigLoader.Parse("overrides:\n  defaults:\n    global:\n      max_bytes_per_tracee: 5\n");

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("unknown key \"overrides.defaults.global.max_bytes_per_tracee\"");
    }

    [Fact]
    public void Keys_left_out_keep_their_defaults()
    {
        var config = ConfigLoader.Parse("server:\n  http_listen_port: 3300\n");

        config.Should().Be(TempoConfig.Default with { Server = TempoConfig.Default.Server with { HttpListenPort = 3300 } });
    }

    [Fact]
    public void A_protocol_written_with_an_empty_value_is_enabled_with_defaults_and_unlisted_ones_are_off()
    {
        var config = ConfigLoader.Parse("""
            distributor:
              receivers:
                otlp:
                  protocols:
                    grpc:
            """);

        config.Distributor.Receivers.Otlp!.Grpc.Should().Be(new OtlpGrpcProtocolConfig());
        config.Distributor.Receivers.Otlp.Http.Should().BeNull("a config that lists receivers runs only those, as Tempo");
    }

    [Fact]
    public void Unknown_key_names_its_path_line_and_column()
    {
        var act = () => ConfigLoader.Parse("target: all\nserver:\n  http_listen_prot: 3200\n");

        act.Should().Throw<ConfigException>()
            .WithMessage("invalid config: unknown key \"server.http_listen_prot\" (line 3, column 3)");
    }

    [Fact]
    public void Unknown_top_level_key_is_reported()
    {
        var act = () => ConfigLoader.Parse("server:\n  http_listen_port: 3200\ncompactorr:\n  x: 1\n");

        act.Should().Throw<ConfigException>().WithMessage("invalid config: unknown key \"compactorr\" (line 3, column 1)");
    }

    [Fact]
    public void Unknown_key_deep_in_the_receivers_is_reported()
    {
        var act = () => ConfigLoader.Parse("""
            distributor:
              receivers:
                otlp:
                  protocols:
                    grpc:
                      endpoint: 0.0.0.0:4317
                      max_recv_msg_size: 4
            """);

        act.Should().Throw<ConfigException>().WithMessage(
            "invalid config: unknown key \"distributor.receivers.otlp.protocols.grpc.max_recv_msg_size\" (line 7, column 11)");
    }

    [Theory]
    [InlineData("server:\n  http_listen_port: 70000\n", "server.http_listen_port: invalid value \"70000\": must be a port from 0 to 65535 (line 2, column 21)")]
    [InlineData("server:\n  http_listen_port: -1\n", "server.http_listen_port: invalid value \"-1\": must be a port from 0 to 65535 (line 2, column 21)")]
    [InlineData("server:\n  http_listen_port: http\n", "server.http_listen_port: invalid value \"http\": expected an integer (line 2, column 21)")]
    [InlineData("server:\n  log_level: verbose\n", "server.log_level: invalid value \"verbose\": expected one of debug, info, warn, error (line 2, column 14)")]
    [InlineData("multitenancy_enabled: maybe\n", "multitenancy_enabled: invalid value \"maybe\": expected true or false (line 1, column 23)")]
    [InlineData("distributor:\n  max_attribute_bytes: -5\n", "distributor.max_attribute_bytes: invalid value \"-5\": must be 0 (off) or a positive number of bytes (line 2, column 24)")]
    [InlineData("ingest:\n  embedded:\n    retention_period: 5x\n", "ingest.embedded.retention_period: invalid value \"5x\": invalid duration \"5x\" (unknown unit \"x\"; use ns, us, ms, s, m or h); durations use Go syntax such as 500ms, 15m, 1h30m (line 3, column 23)")]
    [InlineData("ingest:\n  embedded:\n    retention_period: 7d\n", "ingest.embedded.retention_period: invalid value \"7d\": invalid duration \"7d\" (unknown unit \"d\"; use ns, us, ms, s, m or h); durations use Go syntax such as 500ms, 15m, 1h30m (line 3, column 23)")]
    [InlineData("ingest:\n  embedded:\n    retention_period: -1h\n", "ingest.embedded.retention_period: invalid value \"-1h\": must not be negative (line 3, column 23)")]
    [InlineData("ingest:\n  embedded:\n    retention_bytes: -1\n", "ingest.embedded.retention_bytes: invalid value \"-1\": must be 0 (unlimited) or a positive number of bytes (line 3, column 22)")]
    [InlineData("ingest:\n  embedded:\n    partitions: 0\n", "ingest.embedded.partitions: invalid value \"0\": must be from 1 to 10000 (line 3, column 17)")]
    [InlineData("ingest:\n  embedded:\n    compression: zstd\n", "ingest.embedded.compression: invalid value \"zstd\": expected one of none, lz4 (line 3, column 18)")]
    [InlineData("ingest:\n  embedded:\n    segment_bytes: 10\n", "ingest.embedded.segment_bytes: invalid value \"10\": must be at least 1048576 (1 MiB) (line 3, column 20)")]
    [InlineData("ingest:\n  embedded:\n    producer_max_record_size_bytes: 100\n", "ingest.embedded.producer_max_record_size_bytes: invalid value \"100\": must be from 1048576 to 15983616 (Tempo's limits) (line 3, column 37)")]
    [InlineData("storage:\n  trace:\n    backend: gcs\n", "storage.trace.backend: invalid value \"gcs\": expected one of local, s3 (line 3, column 14)")]
    [InlineData("server: 3200\n", "server: expected a mapping of keys, found a single value (line 1, column 9)")]
    [InlineData("server:\n  http_listen_port: [1, 2]\n", "server.http_listen_port: expected a single value, found a list (line 2, column 21)")]
    [InlineData("distributor:\n  receivers:\n    otlp:\n      protocols:\n        grpc:\n          endpoint: 4317\n", "distributor.receivers.otlp.protocols.grpc.endpoint: invalid endpoint \"4317\": expected host:port (line 6, column 21)")]
    [InlineData("distributor:\n  receivers:\n    otlp:\n      protocols:\n        http:\n          endpoint: localhost:99999\n", "distributor.receivers.otlp.protocols.http.endpoint: invalid endpoint \"localhost:99999\": port must be a number from 0 to 65535 (line 6, column 21)")]
    [InlineData("distributor:\n  receivers:\n    otlp:\n      protocols:\n        grpc:\n          max_recv_msg_size_mib: 0\n", "distributor.receivers.otlp.protocols.grpc.max_recv_msg_size_mib: invalid value \"0\": must be from 1 to 1024 MiB (line 6, column 34)")]
    [InlineData("storage:\n  trace:\n    s3:\n      endpoint: http://minio:9000\n", "storage.trace.s3.endpoint: invalid value \"http://minio:9000\": write host[:port] without a scheme (use insecure: true for http) (line 4, column 17)")]
    [InlineData("live_store:\n  max_trace_idle: 0s\n", "live_store.max_trace_idle: must be positive (line 2, column 19)")]
    [InlineData("live_store:\n  max_live_traces_bytes: -1\n", "live_store.max_live_traces_bytes: invalid value \"-1\": must be 0 (no limit) or a positive number of bytes (line 2, column 26)")]
    [InlineData("overrides:\n  defaults:\n    global:\n      max_bytes_per_trace: lots\n", "overrides.defaults.global.max_bytes_per_trace: invalid value \"lots\": expected an integer (line 4, column 28)")]
    public void Invalid_values_name_the_key_the_problem_and_the_position(string yaml, string expected)
    {
        var act = () => ConfigLoader.Parse(yaml);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be("invalid config: " + expected);
    }

    [Fact]
    public void Yaml_syntax_errors_have_a_position()
    {
        var act = () => ConfigLoader.Parse("server:\n  http_listen_port: 3200\n bad indentation: [\n");

        act.Should().Throw<ConfigException>().Which.Message.Should().StartWith("invalid config: YAML syntax error: ")
            .And.MatchRegex(@"\(line \d+, column \d+\)$");
    }

    [Fact]
    public void Duplicate_keys_are_rejected()
    {
        var act = () => ConfigLoader.Parse("server:\n  http_listen_port: 1\n  http_listen_port: 2\n");

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("line 3");
    }

    [Fact]
    public void A_port_used_twice_is_rejected()
    {
        var act = () => ConfigLoader.Parse("""
            server:
              http_listen_port: 4318
            distributor:
              receivers:
                otlp:
                  protocols:
                    http:
                      endpoint: 0.0.0.0:4318
            """);

        act.Should().Throw<ConfigException>().WithMessage(
            "invalid config: distributor.receivers.otlp.protocols.http.endpoint: port 4318 is already used by server.http_listen_port");
    }

    [Fact]
    public void S3_backend_needs_a_bucket()
    {
        var act = () => ConfigLoader.Parse("storage:\n  trace:\n    backend: s3\n");

        act.Should().Throw<ConfigException>().WithMessage("invalid config: storage.trace.s3.bucket: required when storage.trace.backend is s3");
    }

    [Fact]
    public void Quoted_numbers_are_accepted_so_env_expanded_values_can_be_quoted()
    {
        ConfigLoader.Parse("server:\n  http_listen_port: \"3300\"\n").Server.HttpListenPort.Should().Be(3300);
    }

    [Fact]
    public void Load_file_expands_environment_references_only_when_asked()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tempo-config-{Guid.NewGuid():N}.yaml");
        var variable = $"TEMPO_TEST_PORT_{Guid.NewGuid():N}";
        File.WriteAllText(path, $"server:\n  http_listen_port: ${{{variable}:-3311}}\ningest:\n  embedded:\n    path: ${{{variable}_PATH}}/x\n");
        try
        {
            var expanded = ConfigLoader.LoadFile(path, expandEnv: true);
            expanded.Server.HttpListenPort.Should().Be(3311);
            expanded.Ingest.Embedded.Path.Should().Be("/x", "an unset variable expands to empty, as drone/envsubst does");

            Environment.SetEnvironmentVariable(variable, "3322");
            Environment.SetEnvironmentVariable(variable + "_PATH", "/data");
            var fromEnvironment = ConfigLoader.LoadFile(path, expandEnv: true);
            fromEnvironment.Server.HttpListenPort.Should().Be(3322);
            fromEnvironment.Ingest.Embedded.Path.Should().Be("/data/x");

            var notExpanded = () => ConfigLoader.LoadFile(path, expandEnv: false);
            notExpanded.Should().Throw<ConfigException>().Which.Message.Should()
                .StartWith($"invalid config: server.http_listen_port: invalid value \"${{{variable}:-3311}}\": expected an integer");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            Environment.SetEnvironmentVariable(variable + "_PATH", null);
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var act = () => ConfigLoader.LoadFile("/nonexistent/tempo.yaml", expandEnv: false);

        act.Should().Throw<ConfigException>().Which.Message.Should().StartWith("failed to read config file /nonexistent/tempo.yaml:");
    }
}
