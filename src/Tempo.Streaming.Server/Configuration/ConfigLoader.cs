using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// Reads the YAML config file into <see cref="TempoConfig"/>: keys absent from the file keep their defaults, an unknown key
/// or an invalid value throws <see cref="ConfigException"/> naming the key path, line and column.
/// </summary>
public static class ConfigLoader
{
    private static readonly Dictionary<string, LogLevelSetting> LogLevels = new(StringComparer.Ordinal)
    {
        ["debug"] = LogLevelSetting.Debug,
        ["info"] = LogLevelSetting.Info,
        ["warn"] = LogLevelSetting.Warn,
        ["error"] = LogLevelSetting.Error,
    };

    private static readonly Dictionary<string, StorageBackend> Backends = new(StringComparer.Ordinal)
    {
        ["local"] = StorageBackend.Local,
        ["s3"] = StorageBackend.S3,
    };

    public static IReadOnlyDictionary<LogLevelSetting, string> LogLevelNames { get; } =
        LogLevels.ToDictionary(pair => pair.Value, pair => pair.Key);

    public static IReadOnlyDictionary<StorageBackend, string> BackendNames { get; } =
        Backends.ToDictionary(pair => pair.Value, pair => pair.Key);

    /// <summary>Reads, optionally env-expands (<c>-config.expand-env</c>), parses and validates a config file.</summary>
    public static TempoConfig LoadFile(string path, bool expandEnv)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"failed to read config file {path}: {e.Message}");
        }

        if (expandEnv)
        {
            text = EnvSubst.ExpandFromEnvironment(text);
        }

        return Parse(text);
    }

    /// <summary>Parses YAML text (already expanded) into a validated config.</summary>
    public static TempoConfig Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw ConfigException.At($"YAML syntax error: {Innermost(e).Message}", (int)e.Start.Line, (int)e.Start.Column);
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw ConfigException.At("the config file must hold one YAML document", (int)second.Start.Line, (int)second.Start.Column);
        }

        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        YamlMappingNode? mapping = root switch
        {
            null => null,
            YamlMappingNode m => m,
            YamlScalarNode { Value: null or "" } => null,
            _ => throw ConfigException.At("the config file must be a mapping of keys", (int)root.Start.Line, (int)root.Start.Column),
        };

        var config = Bind(YamlSection.Root(mapping));
        Validate(config);
        return config;
    }

    /// <summary>Checks that span several keys (each key's own range is checked while parsing).</summary>
    public static void Validate(TempoConfig config)
    {
        var http = new ListenEndpoint(config.Server.HttpListenAddress, config.Server.HttpListenPort);
        var otlp = config.Distributor.Receivers.Otlp;
        var grpc = otlp?.Grpc is { } g ? Endpoint(g.Endpoint, "distributor.receivers.otlp.protocols.grpc.endpoint") : (ListenEndpoint?)null;
        var otlpHttp = otlp?.Http is { } h ? Endpoint(h.Endpoint, "distributor.receivers.otlp.protocols.http.endpoint") : (ListenEndpoint?)null;
        if (grpc is { } grpcEndpoint && grpcEndpoint.Conflicts(http))
        {
            throw ConfigException.Without(
                $"distributor.receivers.otlp.protocols.grpc.endpoint: port {grpcEndpoint.Port} is already used by server.http_listen_port");
        }

        if (otlpHttp is { } otlpHttpEndpoint && otlpHttpEndpoint.Conflicts(http))
        {
            throw ConfigException.Without(
                $"distributor.receivers.otlp.protocols.http.endpoint: port {otlpHttpEndpoint.Port} is already used by server.http_listen_port");
        }

        if (grpc is { } a && otlpHttp is { } b && a.Conflicts(b))
        {
            throw ConfigException.Without(
                $"distributor.receivers.otlp.protocols.http.endpoint: port {b.Port} is already used by distributor.receivers.otlp.protocols.grpc.endpoint");
        }

        var trace = config.Storage.Trace;
        if (trace.Backend == StorageBackend.S3 && string.IsNullOrWhiteSpace(trace.S3.Bucket))
        {
            throw ConfigException.Without("storage.trace.s3.bucket: required when storage.trace.backend is s3");
        }

        if (trace.Backend == StorageBackend.Local && string.IsNullOrWhiteSpace(trace.Local.Path))
        {
            throw ConfigException.Without("storage.trace.local.path: required when storage.trace.backend is local");
        }

        if (string.IsNullOrWhiteSpace(config.Ingest.Embedded.Path))
        {
            throw ConfigException.Without("ingest.embedded.path: must not be empty");
        }
    }

    public static ListenEndpoint Endpoint(string text, string key) =>
        ListenEndpoint.TryParse(text, out var endpoint, out var error) ? endpoint : throw ConfigException.Without($"{key}: {error}");

    private static TempoConfig Bind(YamlSection root)
    {
        var defaults = TempoConfig.Default;
        var config = defaults with
        {
            Target = root.String("target") ?? defaults.Target,
            MultitenancyEnabled = root.Bool("multitenancy_enabled") ?? defaults.MultitenancyEnabled,
            Server = BindServer(root.Section("server"), defaults.Server),
            Distributor = BindDistributor(root.Section("distributor"), defaults.Distributor),
            Ingest = BindIngest(root.Section("ingest"), defaults.Ingest),
            Storage = BindStorage(root.Section("storage"), defaults.Storage),
            Compactor = BindCompactor(root.Section("compactor"), defaults.Compactor),
            LiveStore = BindLiveStore(root.Section("live_store"), defaults.LiveStore),
            Overrides = BindOverrides(root.Section("overrides"), defaults.Overrides),
        };
        root.EnsureNoUnknownKeys();
        return config;
    }

    private static ServerConfig BindServer(YamlSection? section, ServerConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var address = section.String("http_listen_address") ?? defaults.HttpListenAddress;
        if (address.Length > 0 && !ListenEndpoint.TryParse($"{(address.Contains(':') ? $"[{address}]" : address)}:0", out _, out _))
        {
            throw section.Invalid("http_listen_address", $"invalid value \"{address}\": expected a host name or IP address");
        }

        var result = defaults with
        {
            HttpListenAddress = address,
            HttpListenPort = (int)(section.Integer("http_listen_port", 0, 65535, "must be a port from 0 to 65535") ?? defaults.HttpListenPort),
            LogLevel = section.Enum("log_level", LogLevels) ?? defaults.LogLevel,
        };
        section.EnsureNoUnknownKeys();
        return result;
    }

    private static DistributorConfig BindDistributor(YamlSection? section, DistributorConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var result = defaults with
        {
            Receivers = BindReceivers(section.Section("receivers"), defaults.Receivers),
            MaxAttributeBytes = (int)(section.Integer("max_attribute_bytes", 0, int.MaxValue, "must be 0 (off) or a positive number of bytes")
                                      ?? defaults.MaxAttributeBytes),
        };
        section.EnsureNoUnknownKeys();
        return result;
    }

    // Written receivers replace the default list: only protocols present in the file run (Tempo/collector behaviour).
    private static ReceiversConfig BindReceivers(YamlSection? section, ReceiversConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var otlpSection = section.Section("otlp");
        section.EnsureNoUnknownKeys();
        if (otlpSection is null)
        {
            return new ReceiversConfig { Otlp = null };
        }

        var protocols = otlpSection.Section("protocols");
        otlpSection.EnsureNoUnknownKeys();
        if (protocols is null)
        {
            return new ReceiversConfig { Otlp = new OtlpReceiverConfig { Grpc = null, Http = null } };
        }

        var grpcSection = protocols.Section("grpc");
        var httpSection = protocols.Section("http");
        protocols.EnsureNoUnknownKeys();
        return new ReceiversConfig
        {
            Otlp = new OtlpReceiverConfig
            {
                Grpc = grpcSection is null ? null : BindOtlpGrpc(grpcSection),
                Http = httpSection is null ? null : BindOtlpHttp(httpSection),
            },
        };
    }

    private static OtlpGrpcProtocolConfig BindOtlpGrpc(YamlSection section)
    {
        var defaults = new OtlpGrpcProtocolConfig();
        var result = defaults with
        {
            Endpoint = EndpointValue(section, "endpoint") ?? defaults.Endpoint,
            MaxRecvMsgSizeMib = (int)(section.Integer("max_recv_msg_size_mib", 1, 1024, "must be from 1 to 1024 MiB") ?? defaults.MaxRecvMsgSizeMib),
        };
        section.EnsureNoUnknownKeys();
        return result;
    }

    private static OtlpHttpProtocolConfig BindOtlpHttp(YamlSection section)
    {
        var defaults = new OtlpHttpProtocolConfig();
        var result = defaults with
        {
            Endpoint = EndpointValue(section, "endpoint") ?? defaults.Endpoint,
            MaxRequestBodySize = section.Integer("max_request_body_size", 1, int.MaxValue / 2, $"must be from 1 to {int.MaxValue / 2} bytes")
                                 ?? defaults.MaxRequestBodySize,
        };
        section.EnsureNoUnknownKeys();
        return result;
    }

    private static string? EndpointValue(YamlSection section, string key)
    {
        var text = section.String(key);
        if (text is null)
        {
            return null;
        }

        return ListenEndpoint.TryParse(text, out _, out var error) ? text : throw section.Invalid(key, error!);
    }

    private static LiveStoreConfig BindLiveStore(YamlSection? section, LiveStoreConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var result = defaults with
        {
            Path = section.String("path") ?? defaults.Path,
            MaxTraceIdle = section.Duration("max_trace_idle") ?? defaults.MaxTraceIdle,
            MaxTraceLive = section.Duration("max_trace_live") ?? defaults.MaxTraceLive,
            MaxLiveTracesBytes = section.Integer("max_live_traces_bytes", 0, long.MaxValue, "must be 0 (no limit) or a positive number of bytes")
                                 ?? defaults.MaxLiveTracesBytes,
            BlockCacheSizeBytes = section.Integer("block_cache_size_bytes", 1024 * 1024, long.MaxValue, "must be at least 1048576 (1 MiB)")
                                  ?? defaults.BlockCacheSizeBytes,
            MaxBlockBytes = section.Integer("max_block_bytes", 1, long.MaxValue, "must be a positive number of bytes") ?? defaults.MaxBlockBytes,
            MaxBlockDuration = section.Duration("max_block_duration") ?? defaults.MaxBlockDuration,
            CompleteBlockTimeout = section.Duration("complete_block_timeout") ?? defaults.CompleteBlockTimeout,
            FlushCheckPeriod = section.Duration("flush_check_period") ?? defaults.FlushCheckPeriod,
            ConcurrentFlushes = (int?)section.Integer("concurrent_flushes", 1, 64, "must be between 1 and 64") ?? defaults.ConcurrentFlushes,
            FlushBlocks = section.Bool("flush_blocks") ?? defaults.FlushBlocks,
            Ring = RingConfigBinder.BindRing(section.Section("ring"), defaults.Ring),
            PartitionRing = RingConfigBinder.BindPartitionRing(section.Section("partition_ring"), defaults.PartitionRing),
            ShutdownMarkerDir = section.String("shutdown_marker_dir") ?? defaults.ShutdownMarkerDir,
        };
        if (string.IsNullOrWhiteSpace(result.ShutdownMarkerDir))
        {
            throw section.Invalid("shutdown_marker_dir", "must not be empty");
        }

        if (string.IsNullOrWhiteSpace(result.Path))
        {
            throw section.Invalid("path", "must not be empty");
        }

        if (result.MaxTraceIdle <= TimeSpan.Zero)
        {
            throw section.Invalid("max_trace_idle", "must be positive");
        }

        if (result.MaxTraceLive <= TimeSpan.Zero)
        {
            throw section.Invalid("max_trace_live", "must be positive");
        }

        if (result.MaxBlockDuration <= TimeSpan.Zero)
        {
            throw section.Invalid("max_block_duration", "must be positive");
        }

        if (result.CompleteBlockTimeout < TimeSpan.Zero)
        {
            throw section.Invalid("complete_block_timeout", "must not be negative");
        }

        if (result.FlushCheckPeriod <= TimeSpan.Zero)
        {
            throw section.Invalid("flush_check_period", "must be positive");
        }

        section.EnsureNoUnknownKeys();
        return result;
    }

    private static OverridesConfig BindOverrides(YamlSection? section, OverridesConfig defaults)
    {
        var defaultsSection = section?.Section("defaults");
        var global = defaultsSection?.Section("global");
        var result = defaults with
        {
            MaxBytesPerTrace = global?.Integer("max_bytes_per_trace", 0, long.MaxValue, "must be 0 (no limit) or a positive number of bytes")
                               ?? defaults.MaxBytesPerTrace,
        };
        global?.EnsureNoUnknownKeys();
        defaultsSection?.EnsureNoUnknownKeys();
        section?.EnsureNoUnknownKeys();
        return result;
    }

    private static IngestConfig BindIngest(YamlSection? section, IngestConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var embedded = section.Section("embedded");
        var kafka = section.Section("kafka");
        var result = defaults with
        {
            Embedded = embedded is null ? defaults.Embedded : BindEmbedded(embedded, defaults.Embedded),
            Kafka = kafka is null ? defaults.Kafka : KafkaConfigBinder.Bind(kafka, defaults.Kafka),
        };
        section.EnsureNoUnknownKeys();
        return result;
    }

    private static EmbeddedIngestConfig BindEmbedded(YamlSection section, EmbeddedIngestConfig defaults)
    {
        var result = defaults with
        {
            Path = section.String("path") ?? defaults.Path,
            Topic = section.String("topic") ?? defaults.Topic,
            Partitions = (int)(section.Integer("partitions", 1, 10_000, "must be from 1 to 10000") ?? defaults.Partitions),
            SegmentBytes = section.Integer("segment_bytes", 1024 * 1024, long.MaxValue, "must be at least 1048576 (1 MiB)") ?? defaults.SegmentBytes,
            RetentionBytes = section.Integer("retention_bytes", 0, long.MaxValue, "must be 0 (unlimited) or a positive number of bytes")
                             ?? defaults.RetentionBytes,
            RetentionPeriod = section.Duration("retention_period") ?? defaults.RetentionPeriod,
            Compression = section.Enum("compression", EmbeddedIngestConfig.Compressions) ?? defaults.Compression,
            ProducerMaxRecordSizeBytes = (int)(section.Integer("producer_max_record_size_bytes",
                EmbeddedIngestConfig.MinProducerMaxRecordSizeBytes, EmbeddedIngestConfig.MaxProducerMaxRecordSizeBytes,
                $"must be from {EmbeddedIngestConfig.MinProducerMaxRecordSizeBytes} to {EmbeddedIngestConfig.MaxProducerMaxRecordSizeBytes} (Tempo's limits)")
                                               ?? defaults.ProducerMaxRecordSizeBytes),
        };
        if (result.Topic.Length == 0)
        {
            throw section.Invalid("topic", "must not be empty");
        }

        section.EnsureNoUnknownKeys();
        return result;
    }

    private static CompactorConfig BindCompactor(YamlSection? section, CompactorConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var compaction = section.Section("compaction");
        var result = defaults;
        if (compaction is not null)
        {
            result = defaults with
            {
                CompactionCycle = compaction.Duration("compaction_cycle") ?? defaults.CompactionCycle,
                CompactionWindow = compaction.Duration("compaction_window") ?? defaults.CompactionWindow,
                MaxCompactionObjects = compaction.Integer("max_compaction_objects", 1, long.MaxValue, "must be a positive number of traces")
                                       ?? defaults.MaxCompactionObjects,
                MaxBlockBytes = compaction.Integer("max_block_bytes", 1, long.MaxValue, "must be a positive number of bytes") ?? defaults.MaxBlockBytes,
                BlockRetention = compaction.Duration("block_retention") ?? defaults.BlockRetention,
                CompactedBlockRetention = compaction.Duration("compacted_block_retention") ?? defaults.CompactedBlockRetention,
            };
            if (result.CompactionCycle <= TimeSpan.Zero)
            {
                throw compaction.Invalid("compaction_cycle", "must be positive");
            }
            if (result.CompactionWindow < TimeSpan.FromSeconds(1) || result.CompactionWindow.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                throw compaction.Invalid("compaction_window", "must be a positive whole number of seconds");
            }
            if (result.BlockRetention <= TimeSpan.Zero)
            {
                throw compaction.Invalid("block_retention", "must be positive");
            }
            if (result.CompactedBlockRetention <= TimeSpan.Zero)
            {
                throw compaction.Invalid("compacted_block_retention", "must be positive (queriers need a grace period to stop reading replaced blocks)");
            }
            compaction.EnsureNoUnknownKeys();
        }

        section.EnsureNoUnknownKeys();
        return result;
    }

    private static StorageConfig BindStorage(YamlSection? section, StorageConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var trace = section.Section("trace");
        var result = defaults with { Trace = trace is null ? defaults.Trace : BindTrace(trace, defaults.Trace) };
        section.EnsureNoUnknownKeys();
        return result;
    }

    private static TraceStorageConfig BindTrace(YamlSection section, TraceStorageConfig defaults)
    {
        var backend = section.Enum("backend", Backends) ?? defaults.Backend;
        var local = section.Section("local");
        var s3 = section.Section("s3");
        var result = defaults with
        {
            Backend = backend,
            Local = local is null ? defaults.Local : BindLocal(local, defaults.Local),
            S3 = s3 is null ? defaults.S3 : BindS3(s3, defaults.S3),
            BlocklistPoll = section.Duration("blocklist_poll") ?? defaults.BlocklistPoll,
        };
        if (result.BlocklistPoll <= TimeSpan.Zero)
        {
            throw section.Invalid("blocklist_poll", "must be positive");
        }

        section.EnsureNoUnknownKeys();
        return result;
    }

    private static LocalStorageConfig BindLocal(YamlSection section, LocalStorageConfig defaults)
    {
        var result = defaults with { Path = section.String("path") ?? defaults.Path };
        section.EnsureNoUnknownKeys();
        return result;
    }

    private static S3StorageConfig BindS3(YamlSection section, S3StorageConfig defaults)
    {
        var result = defaults with
        {
            Bucket = section.String("bucket") ?? defaults.Bucket,
            Endpoint = section.String("endpoint") ?? defaults.Endpoint,
            AccessKey = section.String("access_key") ?? defaults.AccessKey,
            SecretKey = section.String("secret_key") ?? defaults.SecretKey,
            Insecure = section.Bool("insecure") ?? defaults.Insecure,
            ForcePathStyle = section.Bool("forcepathstyle") ?? defaults.ForcePathStyle,
            Region = section.String("region") ?? defaults.Region,
        };
        if (result.Endpoint.Contains("://", StringComparison.Ordinal))
        {
            throw section.Invalid("endpoint", $"invalid value \"{result.Endpoint}\": write host[:port] without a scheme (use insecure: true for http)");
        }

        section.EnsureNoUnknownKeys();
        return result;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
