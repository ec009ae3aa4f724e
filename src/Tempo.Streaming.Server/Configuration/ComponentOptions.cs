using Tempo.Streaming.Distributor;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.Receivers.Otlp;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>Maps the YAML configuration onto the option records the components take.</summary>
public static class ComponentOptions
{
    /// <summary><c>ingest.embedded</c>; a relative path resolves against the working directory.</summary>
    public static EmbeddedLogOptions ToEmbeddedLogOptions(this TempoConfig config)
    {
        var embedded = config.Ingest.Embedded;
        return new EmbeddedLogOptions
        {
            Path = System.IO.Path.GetFullPath(embedded.Path),
            Topic = embedded.Topic,
            Partitions = embedded.Partitions,
            SegmentBytes = embedded.SegmentBytes,
            RetentionBytes = embedded.RetentionBytes,
            RetentionPeriod = embedded.RetentionPeriod,
        };
    }

    /// <summary><c>distributor.max_attribute_bytes</c> and the producer's record size limit.</summary>
    public static DistributorOptions ToDistributorOptions(this TempoConfig config) => new()
    {
        MaxAttributeBytes = config.Distributor.MaxAttributeBytes,
        MaxRecordBytes = config.Ingest.Embedded.ProducerMaxRecordSizeBytes,
    };

    /// <summary><c>live_store</c> and <c>overrides.defaults.global.max_bytes_per_trace</c>.</summary>
    public static LiveStoreOptions ToLiveStoreOptions(this TempoConfig config) => new()
    {
        Path = System.IO.Path.GetFullPath(config.LiveStore.Path),
        MaxTraceIdle = config.LiveStore.MaxTraceIdle,
        MaxTraceLive = config.LiveStore.MaxTraceLive,
        MaxLiveTracesBytes = config.LiveStore.MaxLiveTracesBytes,
        MaxBytesPerTrace = config.Overrides.MaxBytesPerTrace,
        BlockCacheBytes = config.LiveStore.BlockCacheSizeBytes,
    };

    /// <summary><c>multitenancy_enabled</c> and the OTLP protocol limits.</summary>
    public static OtlpReceiverOptions ToOtlpReceiverOptions(this TempoConfig config)
    {
        var otlp = config.Distributor.Receivers.Otlp;
        return new OtlpReceiverOptions
        {
            MultitenancyEnabled = config.MultitenancyEnabled,
            MaxRequestBodyBytes = otlp?.Http?.MaxRequestBodySize ?? OtlpReceiverOptions.DefaultMaxRequestBodyBytes,
            GrpcMaxRecvMsgSizeMiB = otlp?.Grpc?.MaxRecvMsgSizeMib ?? OtlpReceiverOptions.DefaultGrpcMaxRecvMsgSizeMiB,
        };
    }
}
