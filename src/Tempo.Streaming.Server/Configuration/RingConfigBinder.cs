using Tempo.Streaming.Core;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>Binds <c>live_store.ring</c> and <c>live_store.partition_ring</c> (dskit's keys and defaults).</summary>
internal static class RingConfigBinder
{
    public static LiveStoreRingConfig BindRing(YamlSection? section, LiveStoreRingConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var result = defaults with
        {
            InstanceId = section.String("instance_id") ?? defaults.InstanceId,
            InstanceAvailabilityZone = section.String("instance_availability_zone") ?? defaults.InstanceAvailabilityZone,
            InstanceAddr = section.String("instance_addr") ?? defaults.InstanceAddr,
            InstancePort = (int)(section.Integer("instance_port", 0, 65535, "must be 0 (server.http_listen_port) or a port up to 65535")
                                 ?? defaults.InstancePort),
            HeartbeatPeriod = section.Duration("heartbeat_period") ?? defaults.HeartbeatPeriod,
            HeartbeatTimeout = section.Duration("heartbeat_timeout") ?? defaults.HeartbeatTimeout,
        };

        if (string.IsNullOrWhiteSpace(result.InstanceId))
        {
            throw section.Invalid("instance_id", "must not be empty");
        }

        if (result.InstanceAddr.Length > 0 &&
            !ListenEndpoint.TryParse($"{(result.InstanceAddr.Contains(':') ? $"[{result.InstanceAddr}]" : result.InstanceAddr)}:0", out _, out _))
        {
            throw section.Invalid("instance_addr", $"invalid value \"{result.InstanceAddr}\": expected a host name or IP address (the port goes in instance_port)");
        }

        if (result.HeartbeatPeriod <= TimeSpan.Zero)
        {
            throw section.Invalid("heartbeat_period", "must be positive");
        }

        if (result.HeartbeatTimeout <= TimeSpan.Zero)
        {
            throw section.Invalid("heartbeat_timeout", "must be positive");
        }

        // An owner is considered gone after missing heartbeats; a timeout shorter than the period would drop every member.
        if (result.HeartbeatTimeout < result.HeartbeatPeriod)
        {
            throw section.Invalid(section.Has("heartbeat_timeout") ? "heartbeat_timeout" : "heartbeat_period",
                $"heartbeat_timeout ({GoDuration.Format(result.HeartbeatTimeout)}) must not be shorter than heartbeat_period " +
                $"({GoDuration.Format(result.HeartbeatPeriod)})");
        }

        section.EnsureNoUnknownKeys();
        return result;
    }

    public static PartitionRingConfig BindPartitionRing(YamlSection? section, PartitionRingConfig defaults)
    {
        if (section is null)
        {
            return defaults;
        }

        var result = defaults with
        {
            MinPartitionOwnersCount = (int)(section.Integer("min_partition_owners_count", 0, 1000, "must be from 0 to 1000")
                                            ?? defaults.MinPartitionOwnersCount),
            MinPartitionOwnersDuration = section.Duration("min_partition_owners_duration") ?? defaults.MinPartitionOwnersDuration,
            DeleteInactivePartitionAfter = section.Duration("delete_inactive_partition_after") ?? defaults.DeleteInactivePartitionAfter,
        };
        section.EnsureNoUnknownKeys();
        return result;
    }
}
