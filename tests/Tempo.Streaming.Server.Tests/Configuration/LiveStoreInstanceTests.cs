using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Tests.Configuration;

/// <summary>The partition, consumer group and address a live store derives from its ring settings (Tempo's rules).</summary>
public sealed class LiveStoreInstanceTests
{
    [Theory]
    [InlineData("live-store-zone-a-3", 3)]
    [InlineData("live-store-0", 0)]
    [InlineData("tempo-live-store-12", 12)]
    [InlineData("a-1-2", 2)]
    [InlineData("live-store-007", 7)]
    public void The_partition_is_the_trailing_ordinal(string instanceId, int partition)
    {
        LiveStoreInstance.PartitionId(instanceId, out var error).Should().Be(partition);
        error.Should().BeNull();
    }

    [Theory]
    [InlineData("live-store", "ingester ID live-store doesn't match regular expression \"-([0-9]+)$\"")]
    [InlineData("live-store-a", "ingester ID live-store-a doesn't match regular expression \"-([0-9]+)$\"")]
    [InlineData("live-store-3\n", "ingester ID live-store-3\n doesn't match regular expression \"-([0-9]+)$\"")]
    [InlineData("live-store-99999999999", "no ingester sequence number in ingester ID live-store-99999999999")]
    public void An_id_without_an_ordinal_is_refused_with_tempos_message(string instanceId, string expected)
    {
        LiveStoreInstance.PartitionId(instanceId, out var error).Should().BeNull();
        error.Should().Be(expected);
    }

    [Fact]
    public void A_live_store_target_without_an_ordinal_fails_at_startup_naming_the_instance_id()
    {
        var config = ConfigLoader.Parse("target: live-store\nlive_store:\n  ring:\n    instance_id: my-laptop\n");

        ServerTargets.CheckConfig(config).Should().Be(
            "live_store.ring.instance_id: calculating livestore partition ID: ingester ID my-laptop doesn't match regular expression " +
            "\"-([0-9]+)$\" (in distributed mode the instance ID ends in the instance ordinal, e.g. live-store-zone-a-0, which is the " +
            "partition it consumes)");
        ServerTargets.CheckConfig(config with { Target = "all" }).Should().BeNull("the single binary owns every partition");
        ServerTargets.CheckConfig(config with { Target = "distributor" }).Should().BeNull();
    }

    [Fact]
    public async Task The_program_refuses_a_live_store_without_an_ordinal_before_starting_anything()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tempo-live-store-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "live_store:\n  ring:\n    instance_id: my-laptop\n");
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            var exitCode = await ServerProgram.RunAsync([$"-config.file={path}", "-target=live-store"], stdout, stderr);

            exitCode.Should().Be(1);
            stderr.ToString().Should().StartWith(
                "invalid config: live_store.ring.instance_id: calculating livestore partition ID: ingester ID my-laptop doesn't match");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("live-store-zone-a-0", "live-store-zone-a")]
    [InlineData("live-store-zone-a-1", "live-store-zone-a")]
    [InlineData("live-store-2", "live-store")]
    [InlineData("no-ordinal", "no-ordinal")]
    public void The_consumer_group_is_the_id_without_its_ordinal(string instanceId, string group)
    {
        var config = TempoConfig.Default with
        {
            LiveStore = TempoConfig.Default.LiveStore with { Ring = new LiveStoreRingConfig { InstanceId = instanceId } },
        };

        LiveStoreInstance.ConsumerGroup(config).Should().Be(group);
    }

    [Fact]
    public void The_published_address_uses_the_configured_host_and_port_else_the_machines_and_the_http_port()
    {
        LiveStoreInstance.HttpAddress(new LiveStoreRingConfig { InstanceAddr = "10.0.0.5", InstancePort = 9000 }, 3200).Should().Be("10.0.0.5:9000");
        LiveStoreInstance.HttpAddress(new LiveStoreRingConfig { InstanceAddr = "live-store-0.tempo" }, 3200).Should().Be("live-store-0.tempo:3200");
        LiveStoreInstance.HttpAddress(new LiveStoreRingConfig { InstanceAddr = "::1" }, 3200).Should().Be("[::1]:3200");

        var detected = LiveStoreInstance.HttpAddress(new LiveStoreRingConfig(), 3200);
        detected.Should().EndWith(":3200");
        var host = System.Net.IPAddress.Parse(detected[..^":3200".Length]);
        host.AddressFamily.Should().Be(System.Net.Sockets.AddressFamily.InterNetwork);
        if (!System.Net.IPAddress.IsLoopback(host))
        {
            System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
                .Should().Contain(host, "the detected address belongs to this machine");
        }
    }
}
