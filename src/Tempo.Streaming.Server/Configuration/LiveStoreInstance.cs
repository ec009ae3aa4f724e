using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// What a live store derives from its ring instance ID, by Tempo's rules (pkg/ingest <c>IngesterPartitionID</c> and
/// <c>LiveStoreConsumerGroupID</c>): the trailing <c>-N</c> is the partition it consumes, the rest is its consumer group,
/// so <c>live-store-zone-a-3</c> consumes partition 3 in group <c>live-store-zone-a</c>. Plus the address it publishes.
/// </summary>
public static partial class LiveStoreInstance
{
    /// <summary>Tempo's <c>ingesterIDRegexp</c>.</summary>
    public const string OrdinalPattern = "-([0-9]+)$";

    /// <summary>The partition of <paramref name="instanceId"/>, or null with Tempo's error text.</summary>
    public static int? PartitionId(string instanceId, out string? error)
    {
        var match = Ordinal().Match(instanceId);
        if (!match.Success)
        {
            error = $"ingester ID {instanceId} doesn't match regular expression \"{OrdinalPattern}\"";
            return null;
        }

        if (!int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            error = $"no ingester sequence number in ingester ID {instanceId}";
            return null;
        }

        error = null;
        return partition;
    }

    /// <summary>
    /// The consumer group of a live store: <c>ingest.kafka.consumer_group</c> when set, else the instance ID without its
    /// ordinal (Tempo's <c>LiveStoreConsumerGroupID</c>); the live stores of one zone share it, so a replacement replica
    /// with an empty disk resumes from what its zone committed (ARCHITECTURE.md invariant 3).
    /// </summary>
    public static string ConsumerGroup(TempoConfig config)
    {
        if (config.Ingest.Kafka.ConsumerGroup.Length > 0)
        {
            return config.Ingest.Kafka.ConsumerGroup;
        }

        var instanceId = config.LiveStore.Ring.InstanceId;
        var match = Ordinal().Match(instanceId);
        return match.Success ? instanceId[..match.Index] : instanceId;
    }

    /// <summary>
    /// <c>host:port</c> other components use to reach this instance's HTTP API: <c>instance_addr</c> (else the first
    /// non-loopback IPv4 address of an interface that is up, else 127.0.0.1, as dskit's address lookup) and
    /// <c>instance_port</c> (else <paramref name="httpPort"/>, the bound Tempo HTTP port).
    /// </summary>
    public static string HttpAddress(LiveStoreRingConfig ring, int httpPort)
    {
        var host = ring.InstanceAddr.Length > 0 ? ring.InstanceAddr : FirstNonLoopbackIPv4();
        var port = ring.InstancePort != 0 ? ring.InstancePort : httpPort;
        return host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
    }

    private static string FirstNonLoopbackIPv4()
    {
        try
        {
            foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (network.OperationalStatus != OperationalStatus.Up || network.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                foreach (var unicast in network.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                    {
                        return unicast.Address.ToString();
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            // no interface list (restricted sandbox): fall back to loopback, which still works for one machine
        }

        return IPAddress.Loopback.ToString();
    }

    // Go's "$" (no multi-line flag) matches only at the very end; .NET's also before a final newline, hence \z.
    [GeneratedRegex(@"-([0-9]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ordinal();
}
