namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>Settings of the OTLP receivers; the host maps its YAML configuration onto this record.</summary>
public sealed record OtlpReceiverOptions
{
    /// <summary>20 MiB: the OpenTelemetry collector's confighttp default <c>max_request_body_size</c>.</summary>
    public const long DefaultMaxRequestBodyBytes = 20L * 1024 * 1024;

    /// <summary>4 MiB: the collector's configgrpc leaves <c>max_recv_msg_size_mib</c> unset, i.e. grpc-go's default.</summary>
    public const int DefaultGrpcMaxRecvMsgSizeMiB = 4;

    public static OtlpReceiverOptions Default { get; } = new();

    /// <summary>When true, the tenant comes from <c>X-Scope-OrgID</c> and is required; otherwise it is
    /// <c>single-tenant</c> (Tempo's <c>multitenancy_enabled</c>).</summary>
    public bool MultitenancyEnabled { get; init; }

    /// <summary>Largest OTLP/HTTP body, checked on the bytes received and again after decompression.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Largest gRPC request message in MiB, checked on the frame and again after decompression.</summary>
    public int GrpcMaxRecvMsgSizeMiB { get; init; } = DefaultGrpcMaxRecvMsgSizeMiB;

    internal int GrpcMaxRecvMsgBytes => GrpcMaxRecvMsgSizeMiB * 1024 * 1024;

    /// <summary>Throws with the offending setting's name when a value cannot work; called when endpoints are mapped.</summary>
    public void Validate()
    {
        // Bodies are buffered in one array, so the limit must fit one (and leave room for growth while reading).
        if (MaxRequestBodyBytes is <= 0 or > int.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes,
                $"OTLP HTTP max request body size must be between 1 and {int.MaxValue / 2} bytes");
        }

        // A gRPC frame length is a 32-bit value; 1 GiB keeps MiB→bytes arithmetic and buffers far from int limits.
        if (GrpcMaxRecvMsgSizeMiB is <= 0 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(GrpcMaxRecvMsgSizeMiB), GrpcMaxRecvMsgSizeMiB,
                "OTLP gRPC max_recv_msg_size_mib must be between 1 and 1024");
        }
    }
}
