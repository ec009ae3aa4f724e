using Tempo.Streaming.Core;
using YamlDotNet.Serialization;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// The configuration as a YAML document with the same keys the file uses, for <c>/status/config</c>: the effective
/// config, the defaults, or (Tempo's <c>?mode=diff</c>) only the values that differ from the defaults. Secrets are
/// masked, as Tempo masks them.
/// </summary>
public static class ConfigDocument
{
    public const string Mask = "********";

    /// <summary>Key/value tree in file order; leaves are strings, numbers and booleans.</summary>
    public static Dictionary<string, object?> ToTree(TempoConfig config)
    {
        var tree = new Dictionary<string, object?>
        {
            ["target"] = config.Target,
            ["multitenancy_enabled"] = config.MultitenancyEnabled,
            ["server"] = new Dictionary<string, object?>
            {
                ["http_listen_address"] = config.Server.HttpListenAddress,
                ["http_listen_port"] = config.Server.HttpListenPort,
                ["log_level"] = ConfigLoader.LogLevelNames[config.Server.LogLevel],
            },
            ["distributor"] = new Dictionary<string, object?>
            {
                ["receivers"] = Receivers(config.Distributor.Receivers),
                ["max_attribute_bytes"] = config.Distributor.MaxAttributeBytes,
            },
            ["ingest"] = new Dictionary<string, object?>
            {
                ["embedded"] = new Dictionary<string, object?>
                {
                    ["path"] = config.Ingest.Embedded.Path,
                    ["topic"] = config.Ingest.Embedded.Topic,
                    ["partitions"] = config.Ingest.Embedded.Partitions,
                    ["segment_bytes"] = config.Ingest.Embedded.SegmentBytes,
                    ["retention_bytes"] = config.Ingest.Embedded.RetentionBytes,
                    ["retention_period"] = GoDuration.Format(config.Ingest.Embedded.RetentionPeriod),
                    ["compression"] = config.Ingest.Embedded.Compression.ToString().ToLowerInvariant(),
                    ["producer_max_record_size_bytes"] = config.Ingest.Embedded.ProducerMaxRecordSizeBytes,
                },
                ["kafka"] = Kafka(config.Ingest.Kafka),
            },
            ["storage"] = new Dictionary<string, object?>
            {
                ["trace"] = new Dictionary<string, object?>
                {
                    ["backend"] = ConfigLoader.BackendNames[config.Storage.Trace.Backend],
                    ["local"] = new Dictionary<string, object?> { ["path"] = config.Storage.Trace.Local.Path },
                    ["s3"] = new Dictionary<string, object?>
                    {
                        ["bucket"] = config.Storage.Trace.S3.Bucket,
                        ["endpoint"] = config.Storage.Trace.S3.Endpoint,
                        ["access_key"] = config.Storage.Trace.S3.AccessKey,
                        ["secret_key"] = config.Storage.Trace.S3.SecretKey.Length == 0 ? "" : Mask,
                        ["insecure"] = config.Storage.Trace.S3.Insecure,
                        ["forcepathstyle"] = config.Storage.Trace.S3.ForcePathStyle,
                        ["region"] = config.Storage.Trace.S3.Region,
                    },
                },
            },
            ["live_store"] = new Dictionary<string, object?>
            {
                ["path"] = config.LiveStore.Path,
                ["max_trace_idle"] = GoDuration.Format(config.LiveStore.MaxTraceIdle),
                ["max_trace_live"] = GoDuration.Format(config.LiveStore.MaxTraceLive),
                ["max_live_traces_bytes"] = config.LiveStore.MaxLiveTracesBytes,
                ["block_cache_size_bytes"] = config.LiveStore.BlockCacheSizeBytes,
                ["ring"] = new Dictionary<string, object?>
                {
                    ["instance_id"] = config.LiveStore.Ring.InstanceId,
                    ["instance_availability_zone"] = config.LiveStore.Ring.InstanceAvailabilityZone,
                    ["instance_addr"] = config.LiveStore.Ring.InstanceAddr,
                    ["instance_port"] = config.LiveStore.Ring.InstancePort,
                    ["heartbeat_period"] = GoDuration.Format(config.LiveStore.Ring.HeartbeatPeriod),
                    ["heartbeat_timeout"] = GoDuration.Format(config.LiveStore.Ring.HeartbeatTimeout),
                },
                ["partition_ring"] = new Dictionary<string, object?>
                {
                    ["min_partition_owners_count"] = config.LiveStore.PartitionRing.MinPartitionOwnersCount,
                    ["min_partition_owners_duration"] = GoDuration.Format(config.LiveStore.PartitionRing.MinPartitionOwnersDuration),
                    ["delete_inactive_partition_after"] = GoDuration.Format(config.LiveStore.PartitionRing.DeleteInactivePartitionAfter),
                },
                ["shutdown_marker_dir"] = config.LiveStore.ShutdownMarkerDir,
            },
            ["overrides"] = new Dictionary<string, object?>
            {
                ["defaults"] = new Dictionary<string, object?>
                {
                    ["global"] = new Dictionary<string, object?> { ["max_bytes_per_trace"] = config.Overrides.MaxBytesPerTrace },
                },
            },
        };
        return tree;
    }

    /// <summary>
    /// Keys of <paramref name="actual"/> whose value differs from <paramref name="defaults"/>, recursively; a key the defaults
    /// lack is kept whole (Tempo's <c>diffConfig</c> rules).
    /// </summary>
    public static Dictionary<string, object?> Diff(Dictionary<string, object?> defaults, Dictionary<string, object?> actual)
    {
        var diff = new Dictionary<string, object?>();
        foreach (var (key, value) in actual)
        {
            if (!defaults.TryGetValue(key, out var defaultValue))
            {
                diff[key] = value;
                continue;
            }

            if (value is Dictionary<string, object?> nested)
            {
                if (defaultValue is not Dictionary<string, object?> nestedDefaults)
                {
                    diff[key] = value;
                    continue;
                }

                var nestedDiff = Diff(nestedDefaults, nested);
                if (nestedDiff.Count > 0)
                {
                    diff[key] = nestedDiff;
                }
            }
            else if (!Equals(value, defaultValue))
            {
                diff[key] = value;
            }
        }

        return diff;
    }

    public static string ToYaml(Dictionary<string, object?> tree) =>
        tree.Count == 0 ? "{}\n" : new SerializerBuilder().Build().Serialize(tree);

    private static Dictionary<string, object?> Kafka(KafkaIngestConfig kafka) => new()
    {
        ["address"] = kafka.Address,
        ["topic"] = kafka.Topic,
        ["client_id"] = kafka.ClientId,
        ["dial_timeout"] = GoDuration.Format(kafka.DialTimeout),
        ["write_timeout"] = GoDuration.Format(kafka.WriteTimeout),
        ["consumer_group"] = kafka.ConsumerGroup,
        ["auto_create_topic_enabled"] = kafka.AutoCreateTopicEnabled,
        ["auto_create_topic_default_partitions"] = kafka.AutoCreateTopicDefaultPartitions,
        ["producer_max_record_size_bytes"] = kafka.ProducerMaxRecordSizeBytes,
        ["producer_linger"] = GoDuration.Format(kafka.ProducerLinger),
        ["producer_compression"] = kafka.ProducerCompression,
    };

    private static Dictionary<string, object?> Receivers(ReceiversConfig receivers)
    {
        var result = new Dictionary<string, object?>();
        if (receivers.Otlp is not { } otlp)
        {
            return result;
        }

        var protocols = new Dictionary<string, object?>();
        if (otlp.Grpc is { } grpc)
        {
            protocols["grpc"] = new Dictionary<string, object?>
            {
                ["endpoint"] = grpc.Endpoint,
                ["max_recv_msg_size_mib"] = grpc.MaxRecvMsgSizeMib,
            };
        }

        if (otlp.Http is { } http)
        {
            protocols["http"] = new Dictionary<string, object?>
            {
                ["endpoint"] = http.Endpoint,
                ["max_request_body_size"] = http.MaxRequestBodySize,
            };
        }

        result["otlp"] = new Dictionary<string, object?> { ["protocols"] = protocols };
        return result;
    }
}
