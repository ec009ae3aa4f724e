using Tempo.Streaming.Server.CommandLine;
using Tempo.Streaming.Server.Configuration;
using YamlDotNet.RepresentationModel;

namespace Tempo.Streaming.Server.Tests.Configuration;

/// <summary>
/// No Docker engine runs here, so the files users run — compose/docker-compose.yaml, deploy/*.yaml, the Dockerfile — are
/// checked against what the server really accepts: every command line parses with the server's flag parser, every config
/// loads with the server's strict config loader, and every port published or declared is one the config listens on.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Example_config_loads_and_listens_on_every_interface()
    {
        var config = ConfigLoader.LoadFile(Path.Combine(Root, "deploy", "tempo-streaming.yaml"), expandEnv: false);
        config.Target.Should().Be("all");
        ListeningPorts(config).Should().BeEquivalentTo([3200, 4317, 4318]);
        // inside a container the receivers must listen beyond loopback, or published ports reach nothing
        ConfigLoader.Endpoint(config.Distributor.Receivers.Otlp!.Grpc!.Endpoint, "grpc").IsAnyHost.Should().BeTrue();
        ConfigLoader.Endpoint(config.Distributor.Receivers.Otlp!.Http!.Endpoint, "http").IsAnyHost.Should().BeTrue();
    }

    [Theory]
    [InlineData("docker-compose.yaml")]
    [InlineData("docker-compose.distributed.yaml")]
    public void Compose_services_run_accepted_flags_with_an_existing_config_and_publish_its_ports(string file)
    {
        var compose = LoadYaml(Path.Combine(Root, "compose", file)).Single();
        var services = (YamlMappingNode)compose["services"];
        var tempoServices = services.Children.Where(s => IsTempoStreaming((YamlMappingNode)s.Value)).ToList();
        tempoServices.Should().NotBeEmpty();
        var liveStoreIds = new List<string>();
        foreach (var (nameNode, node) in tempoServices)
        {
            var name = Scalar(nameNode);
            var service = (YamlMappingNode)node;
            var arguments = ServerArguments.Parse(Strings(service["command"]));

            var mounted = Strings(service["volumes"]).Select(v => v.Split(':')).Single(v => v[1] == arguments.ConfigFile);
            var configOnHost = Path.GetFullPath(Path.Combine(Root, "compose", mounted[0]));
            File.Exists(configOnHost).Should().BeTrue($"service {name} mounts {mounted[0]} as its config");
            var environment = service.Children.TryGetValue(new YamlScalarNode("environment"), out var env)
                ? ((YamlMappingNode)env).Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value))
                : [];
            var config = LoadAsTheServerDoes(File.ReadAllText(configOnHost), arguments, environment.GetValueOrDefault, $"service {name}");

            var published = Strings(service["ports"]).Select(p => int.Parse(p.Split(':')[^1])).ToList();
            published.Should().BeEquivalentTo(ListeningPorts(config), $"service {name} publishes exactly the ports its config listens on");

            if (ServerTargets.UsesKafka(config.Target))
            {
                foreach (var broker in config.Ingest.Kafka.Address.Split(','))
                {
                    services.Children.Should().ContainKey(new YamlScalarNode(broker.Split(':')[0]),
                        $"service {name} reaches Kafka at {broker}, which must be a service of {file}");
                }
            }

            if (config.Target == ServerTargets.LiveStore)
            {
                var ring = config.LiveStore.Ring;
                ring.InstanceId.Should().Be(name, "a live store's instance ID is its service name, whose ordinal picks its partition");
                ring.InstanceAddr.Should().Be(Scalar(service["hostname"]), $"other live stores reach {name} by its host name");
                liveStoreIds.Add(ring.InstanceId);
            }
        }

        liveStoreIds.Select(id => LiveStoreInstance.PartitionId(id, out _)).Should().OnlyHaveUniqueItems("each live store of a zone owns its own partition");
    }

    [Fact]
    public void Kubernetes_manifest_config_loads_and_container_ports_match_it()
    {
        var documents = LoadYaml(Path.Combine(Root, "deploy", "single-binary.yaml"));
        var configMap = documents.Single(d => Scalar(d["kind"]) == "ConfigMap");
        var configYaml = Scalar(((YamlMappingNode)configMap["data"])["tempo-streaming.yaml"]);
        var config = ConfigLoader.Parse(configYaml);

        var statefulSet = documents.Single(d => Scalar(d["kind"]) == "StatefulSet");
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)statefulSet["spec"])["template"])["spec"])["containers"]).Single();
        var arguments = ServerArguments.Parse(Strings(container["args"]));
        arguments.ConfigFile.Should().EndWith("/tempo-streaming.yaml");
        var containerPorts = ((YamlSequenceNode)container["ports"]).Select(p => int.Parse(Scalar(((YamlMappingNode)p)["containerPort"]))).ToList();
        containerPorts.Should().BeEquivalentTo(ListeningPorts(config));
        var readiness = (YamlMappingNode)((YamlMappingNode)container["readinessProbe"])["httpGet"];
        Scalar(readiness["path"]).Should().Be("/ready");
    }

    [Fact]
    public void Distributed_kubernetes_workloads_load_their_config_as_their_target_and_declare_its_ports()
    {
        var documents = LoadYaml(Path.Combine(Root, "deploy", "distributed.yaml"));
        var configMaps = documents.Where(d => Scalar(d["kind"]) == "ConfigMap")
            .ToDictionary(d => Scalar(((YamlMappingNode)d["metadata"])["name"]), d => (YamlMappingNode)d["data"]);
        var workloads = documents.Where(d => Scalar(d["kind"]) is "Deployment" or "StatefulSet").ToList();
        var targets = new List<string>();
        foreach (var workload in workloads)
        {
            var name = Scalar(((YamlMappingNode)workload["metadata"])["name"]);
            var podSpec = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)workload["spec"])["template"])["spec"];
            var container = (YamlMappingNode)((YamlSequenceNode)podSpec["containers"]).Single();
            var arguments = ServerArguments.Parse(Strings(container["args"]));

            // The config file is the mounted ConfigMap's key; pod fields stand in for what Kubernetes injects.
            var mount = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>()
                .Single(m => arguments.ConfigFile!.StartsWith(Scalar(m["mountPath"]) + "/", StringComparison.Ordinal));
            var volume = ((YamlSequenceNode)podSpec["volumes"]).Cast<YamlMappingNode>().Single(v => Scalar(v["name"]) == Scalar(mount["name"]));
            var configYaml = Scalar(configMaps[Scalar(((YamlMappingNode)volume["configMap"])["name"])][Path.GetFileName(arguments.ConfigFile!)]);
            var podName = Scalar(workload["kind"]) == "StatefulSet" ? name + "-0" : name + "-7d9f8-abcde";
            var environment = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(
                e => Scalar(e["name"]),
                e => e.Children.ContainsKey(new YamlScalarNode("value"))
                    ? Scalar(e["value"])
                    : Scalar(((YamlMappingNode)((YamlMappingNode)e["valueFrom"])["fieldRef"])["fieldPath"]) switch
                    {
                        "metadata.name" => podName,
                        "status.podIP" => "10.1.2.3",
                        var field => throw new InvalidOperationException($"{name}: unexpected fieldRef {field}"),
                    });
            var config = LoadAsTheServerDoes(configYaml, arguments, environment.GetValueOrDefault, name);
            targets.Add(config.Target);

            var containerPorts = ((YamlSequenceNode)container["ports"]).Select(p => int.Parse(Scalar(((YamlMappingNode)p)["containerPort"]))).ToList();
            containerPorts.Should().BeEquivalentTo(ListeningPorts(config), $"{name} declares exactly the ports its target listens on");
            Scalar(((YamlMappingNode)((YamlMappingNode)container["readinessProbe"])["httpGet"])["path"]).Should().Be("/ready");

            if (config.Target == ServerTargets.LiveStore)
            {
                LiveStoreInstance.PartitionId(config.LiveStore.Ring.InstanceId, out _).Should().Be(0, "pod -0 consumes partition 0");
                var annotations = (YamlMappingNode)((YamlMappingNode)workload["metadata"])["annotations"];
                Scalar(annotations["grafana.com/prepare-downscale-http-path"]).Should().Be("live-store/prepare-downscale");
                Scalar(annotations["grafana.com/prepare-downscale-http-port"]).Should().Be(config.Server.HttpListenPort.ToString());
                Scalar(annotations["grafana.com/rollout-prepare-delayed-downscale-url"])
                    .Should().Be($"http://pod:{config.Server.HttpListenPort}/live-store/prepare-partition-downscale");
            }
        }

        targets.Should().BeEquivalentTo([ServerTargets.Distributor, ServerTargets.LiveStore]);
    }

    [Fact]
    public void Dockerfile_starts_the_published_binary_with_accepted_flags()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        var cmd = lines.Single(l => l.StartsWith("CMD ", StringComparison.Ordinal));
        var args = System.Text.Json.JsonSerializer.Deserialize<string[]>(cmd["CMD ".Length..])!;
        ServerArguments.Parse(args).Target.Should().Be("all");
        lines.Should().Contain(l => l.StartsWith("ENTRYPOINT [\"/app/tempo-streaming\"]", StringComparison.Ordinal));
        File.ReadAllText(Path.Combine(Root, "Makefile")).Should().Contain("-o .publish/server", "the Dockerfile copies .publish/server");
    }

    /// <summary>The ports a process listens on: the Tempo API, plus the OTLP receivers on targets that run the distributor.</summary>
    private static List<int> ListeningPorts(TempoConfig config)
    {
        var ports = new List<int> { config.Server.HttpListenPort };
        if (config.OtlpReceivers() is { } otlp)
        {
            ports.Add(ConfigLoader.Endpoint(otlp.Grpc!.Endpoint, "grpc").Port);
            ports.Add(ConfigLoader.Endpoint(otlp.Http!.Endpoint, "http").Port);
        }

        return ports;
    }

    /// <summary>
    /// What <c>ServerProgram.LoadConfig</c> does with a file: expand the environment when <c>-config.expand-env</c> is set
    /// (here from the service's declared variables), parse strictly, apply <c>-target</c>, refuse what the target cannot run.
    /// </summary>
    private static TempoConfig LoadAsTheServerDoes(string yaml, ServerArguments arguments, Func<string, string?> environment, string who)
    {
        if (arguments.ConfigExpandEnv)
        {
            yaml = EnvSubst.Expand(yaml, environment);
        }

        var config = ConfigLoader.Parse(yaml);
        config = arguments.Target is { } target ? config with { Target = target } : config;
        ServerTargets.CheckRunnable(config.Target).Should().BeNull(who);
        ServerTargets.CheckConfig(config).Should().BeNull(who);
        return config;
    }

    // Our services are built from the repository's Dockerfile or run its image; others (Kafka) are checked through them.
    private static bool IsTempoStreaming(YamlMappingNode service) =>
        service.Children.ContainsKey(new YamlScalarNode("build")) ||
        (service.Children.TryGetValue(new YamlScalarNode("image"), out var image) && Scalar(image).StartsWith("tempo-streaming", StringComparison.Ordinal));

    private static List<YamlMappingNode> LoadYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static List<string> Strings(YamlNode node) => ((YamlSequenceNode)node).Select(Scalar).ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tempo.Streaming.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Tempo.Streaming.sln not found");
    }
}
