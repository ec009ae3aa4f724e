using Tempo.Streaming.Server.CommandLine;
using Tempo.Streaming.Server.Configuration;
using YamlDotNet.RepresentationModel;

namespace Tempo.Streaming.Server.Tests.Configuration;

/// <summary>
/// No Docker engine runs here, so the files users run — compose/docker-compose.yaml, deploy/*.yaml, the Dockerfile — are
/// checked against what the server really accepts: every command line parses with the server's flag parser, every config
/// loads with the server's strict config loader, and every port published or declared is one the config listens on. The
/// distributed files must also give every process one S3 bucket, served by a MinIO the file itself runs, since a live store's
/// blocks are only visible to the others and to the compactor through a shared backend.
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
        var (services, tempoServices) = LoadCompose(file);
        tempoServices.Should().NotBeEmpty();
        var liveStoreIds = new List<string>();
        foreach (var (name, service, config) in tempoServices)
        {
            var published = Strings(service["ports"]).Select(p => int.Parse(p.Split(':')[^1])).ToList();
            published.Should().BeEquivalentTo(ListeningPorts(config), $"service {name} publishes exactly the ports its config listens on");

            // The compactor only talks to the block backend.
            if (ServerTargets.UsesKafka(config.Target) && ServerTargets.RunsIngestPath(config.Target))
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
    public void Distributed_compose_live_stores_and_compactor_share_one_bucket_of_its_minio_created_before_they_start()
    {
        var (services, tempoServices) = LoadCompose("docker-compose.distributed.yaml");
        tempoServices.Select(s => s.Config.Target).Distinct()
            .Should().BeEquivalentTo([ServerTargets.Distributor, ServerTargets.LiveStore, ServerTargets.Compactor]);

        var (bucket, endpoint) = SharedS3Backend(tempoServices.Select(s => (s.Name, s.Config)).ToList());
        var s3Host = endpoint.Split(':')[0];
        services.Children.Should().ContainKey(new YamlScalarNode(s3Host), $"every Tempo service reaches S3 at {endpoint}, which must be a service of the file");
        var s3Service = (YamlMappingNode)services[s3Host];
        s3Service.Children.Should().ContainKey(new YamlScalarNode("healthcheck"), "the bucket is created once MinIO is healthy");
        var s3Environment = ComposeEnvironment(s3Service);

        foreach (var (name, service, config) in tempoServices.Where(s => UsesBlockBackend(s.Config)))
        {
            config.Storage.Trace.S3.AccessKey.Should().Be(s3Environment["MINIO_ROOT_USER"], $"service {name} signs in to {s3Host} as its root user");
            config.Storage.Trace.S3.SecretKey.Should().Be(s3Environment["MINIO_ROOT_PASSWORD"], $"service {name} signs in to {s3Host}");

            // Flushes and compactions need the bucket: the service waits for a one-shot that creates it on the S3 service.
            var dependsOn = (YamlMappingNode)service["depends_on"];
            var creator = dependsOn.Children
                .Where(d => Scalar(((YamlMappingNode)d.Value)["condition"]) == "service_completed_successfully")
                .Select(d => Scalar(d.Key))
                .Where(dependency => CreatesBucket(string.Join(' ', Strings(((YamlMappingNode)services[dependency])["command"])), endpoint, bucket))
                .Should().ContainSingle($"service {name} waits until bucket {bucket} exists on {endpoint}").Subject;
            var creatorService = (YamlMappingNode)services[creator];
            Scalar(((YamlMappingNode)((YamlMappingNode)creatorService["depends_on"])[s3Host])["condition"]).Should().Be("service_healthy");
            ComposeEnvironment(creatorService).Should().Contain(s3Environment, $"{creator} signs in with {s3Host}'s credentials");
        }
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
        var workloads = documents.Where(d => Scalar(d["kind"]) is "Deployment" or "StatefulSet" && IsTempoStreaming(SingleContainer(d))).ToList();
        var targets = new List<string>();
        foreach (var workload in workloads)
        {
            var name = Scalar(((YamlMappingNode)workload["metadata"])["name"]);
            var podSpec = PodSpec(workload);
            var container = SingleContainer(workload);
            var arguments = ServerArguments.Parse(Strings(container["args"]));

            // The config file is the mounted ConfigMap's key; pod fields stand in for what Kubernetes injects.
            var mount = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>()
                .Single(m => arguments.ConfigFile!.StartsWith(Scalar(m["mountPath"]) + "/", StringComparison.Ordinal));
            var volume = ((YamlSequenceNode)podSpec["volumes"]).Cast<YamlMappingNode>().Single(v => Scalar(v["name"]) == Scalar(mount["name"]));
            var configYaml = Scalar(configMaps[Scalar(((YamlMappingNode)volume["configMap"])["name"])][Path.GetFileName(arguments.ConfigFile!)]);
            var podName = Scalar(workload["kind"]) == "StatefulSet" ? name + "-0" : name + "-7d9f8-abcde";
            var environment = KubernetesEnvironment(documents, workload, podName);
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

        targets.Should().BeEquivalentTo([ServerTargets.Distributor, ServerTargets.LiveStore, ServerTargets.Compactor]);
    }

    [Fact]
    public void Distributed_kubernetes_live_stores_and_compactor_share_one_bucket_of_the_minio_in_the_manifest()
    {
        var documents = LoadYaml(Path.Combine(Root, "deploy", "distributed.yaml"));
        var configMaps = documents.Where(d => Scalar(d["kind"]) == "ConfigMap")
            .ToDictionary(d => Scalar(((YamlMappingNode)d["metadata"])["name"]), d => (YamlMappingNode)d["data"]);
        var configYaml = Scalar(configMaps["tempo-streaming-distributed"]["tempo-streaming.yaml"]);
        var loaded = new List<(string Name, TempoConfig Config)>();
        foreach (var workload in documents.Where(d => Scalar(d["kind"]) is "Deployment" or "StatefulSet" && IsTempoStreaming(SingleContainer(d))))
        {
            var name = Scalar(((YamlMappingNode)workload["metadata"])["name"]);
            var arguments = ServerArguments.Parse(Strings(SingleContainer(workload)["args"]));
            var environment = KubernetesEnvironment(documents, workload, name + "-0");
            loaded.Add((name, LoadAsTheServerDoes(configYaml, arguments, environment.GetValueOrDefault, name)));
        }

        var (bucket, endpoint) = SharedS3Backend(loaded);
        var s3Host = endpoint.Split(':')[0];
        var s3Port = int.Parse(endpoint.Split(':')[1]);
        var s3Service = documents.Where(d => Scalar(d["kind"]) == "Service").Should()
            .ContainSingle(d => Scalar(((YamlMappingNode)d["metadata"])["name"]) == s3Host, $"every Tempo workload reaches S3 at {endpoint}").Subject;
        ((YamlSequenceNode)((YamlMappingNode)s3Service["spec"])["ports"]).Select(p => int.Parse(Scalar(((YamlMappingNode)p)["port"])))
            .Should().Contain(s3Port);

        // The Service selects the MinIO Deployment; its root user is what the live stores and the compactor sign in with.
        var selector = ((YamlMappingNode)((YamlMappingNode)s3Service["spec"])["selector"]).Children.ToDictionary(c => Scalar(c.Key), c => Scalar(c.Value));
        var minio = documents.Where(d => Scalar(d["kind"]) == "Deployment").Should()
            .ContainSingle(d => selector.All(l => PodLabels(d).GetValueOrDefault(l.Key) == l.Value), $"Service {s3Host} selects one Deployment").Subject;
        var minioEnvironment = KubernetesEnvironment(documents, minio, "minio-0");
        var minioContainer = SingleContainer(minio);
        ((YamlSequenceNode)minioContainer["ports"]).Select(p => int.Parse(Scalar(((YamlMappingNode)p)["containerPort"]))).Should().Contain(s3Port);
        minioContainer.Children.Should().ContainKey(new YamlScalarNode("readinessProbe"));
        foreach (var (name, config) in loaded.Where(l => UsesBlockBackend(l.Config)))
        {
            config.Storage.Trace.S3.AccessKey.Should().Be(minioEnvironment["MINIO_ROOT_USER"], $"{name} signs in to {s3Host} as its root user");
            config.Storage.Trace.S3.SecretKey.Should().Be(minioEnvironment["MINIO_ROOT_PASSWORD"], $"{name} signs in to {s3Host}");
        }

        var job = documents.Where(d => Scalar(d["kind"]) == "Job").Should().ContainSingle("a Job creates the bucket").Subject;
        CreatesBucket(string.Join(' ', Strings(SingleContainer(job)["args"])), endpoint, bucket).Should().BeTrue($"the Job creates bucket {bucket} on {endpoint}");
        KubernetesEnvironment(documents, job, "minio-create-bucket-x").Should().Contain(minioEnvironment);
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

    /// <summary>
    /// The services of a compose file as <c>docker compose</c> sees them (its <c>${VAR:-default}</c> interpolation with no
    /// variable set, so the defaults apply), and each Tempo service's config loaded from its mounted file.
    /// </summary>
    private static (YamlMappingNode Services, List<(string Name, YamlMappingNode Service, TempoConfig Config)> Tempo) LoadCompose(string file)
    {
        var text = EnvSubst.Expand(File.ReadAllText(Path.Combine(Root, "compose", file)), _ => null);
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var services = (YamlMappingNode)((YamlMappingNode)stream.Documents.Single().RootNode)["services"];
        var tempo = new List<(string, YamlMappingNode, TempoConfig)>();
        foreach (var (nameNode, node) in services.Children.Where(s => IsTempoStreaming((YamlMappingNode)s.Value)))
        {
            var name = Scalar(nameNode);
            var service = (YamlMappingNode)node;
            var arguments = ServerArguments.Parse(Strings(service["command"]));
            var mounted = Strings(service["volumes"]).Select(v => v.Split(':')).Single(v => v[1] == arguments.ConfigFile);
            var configOnHost = Path.GetFullPath(Path.Combine(Root, "compose", mounted[0]));
            File.Exists(configOnHost).Should().BeTrue($"service {name} mounts {mounted[0]} as its config");
            var environment = ComposeEnvironment(service);
            tempo.Add((name, service, LoadAsTheServerDoes(File.ReadAllText(configOnHost), arguments, environment.GetValueOrDefault, $"service {name}")));
        }

        return (services, tempo);
    }

    private static Dictionary<string, string> ComposeEnvironment(YamlMappingNode service) =>
        service.Children.TryGetValue(new YamlScalarNode("environment"), out var env)
            ? ((YamlMappingNode)env).Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value))
            : [];

    /// <summary>
    /// A workload's container environment as Kubernetes injects it: literal values, the pod's name and IP, and the keys
    /// of the manifest's Secrets.
    /// </summary>
    private static Dictionary<string, string> KubernetesEnvironment(List<YamlMappingNode> documents, YamlMappingNode workload, string podName)
    {
        var name = Scalar(((YamlMappingNode)workload["metadata"])["name"]);
        var secrets = documents.Where(d => Scalar(d["kind"]) == "Secret")
            .ToDictionary(d => Scalar(((YamlMappingNode)d["metadata"])["name"]), d => (YamlMappingNode)d["stringData"]);
        return ((YamlSequenceNode)SingleContainer(workload)["env"]).Cast<YamlMappingNode>().ToDictionary(
            e => Scalar(e["name"]),
            e =>
            {
                if (e.Children.ContainsKey(new YamlScalarNode("value")))
                {
                    return Scalar(e["value"]);
                }

                var valueFrom = (YamlMappingNode)e["valueFrom"];
                if (valueFrom.Children.TryGetValue(new YamlScalarNode("secretKeyRef"), out var secretRef))
                {
                    var secret = Scalar(((YamlMappingNode)secretRef)["name"]);
                    secrets.Should().ContainKey(secret, $"{name} reads Secret {secret}, which must be in the manifest");
                    return Scalar(secrets[secret][Scalar(((YamlMappingNode)secretRef)["key"])]);
                }

                return Scalar(((YamlMappingNode)valueFrom["fieldRef"])["fieldPath"]) switch
                {
                    "metadata.name" => podName,
                    "status.podIP" => "10.1.2.3",
                    var field => throw new InvalidOperationException($"{name}: unexpected fieldRef {field}"),
                };
            });
    }

    private static YamlMappingNode PodSpec(YamlMappingNode workload) =>
        (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)workload["spec"])["template"])["spec"];

    private static Dictionary<string, string> PodLabels(YamlMappingNode workload) =>
        ((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)workload["spec"])["template"])["metadata"])["labels"]).Children
        .ToDictionary(l => Scalar(l.Key), l => Scalar(l.Value));

    private static YamlMappingNode SingleContainer(YamlMappingNode workload) =>
        (YamlMappingNode)((YamlSequenceNode)PodSpec(workload)["containers"]).Single();

    /// <summary>Targets that write or read blocks: live stores flush and answer from them, the compactor rewrites them.</summary>
    private static bool UsesBlockBackend(TempoConfig config) =>
        ServerTargets.RunsLiveStore(config.Target) || ServerTargets.RunsCompactor(config.Target);

    /// <summary>
    /// Checks that every process of a distributed deployment uses the same S3 bucket at the same endpoint — the blocks one
    /// live store flushes must be the blocks the others and the compactor see — and that the grace periods cover a stale
    /// block list: Tempo's polling docs ask for <c>complete_block_timeout</c> and <c>compacted_block_retention</c> of at
    /// least twice <c>blocklist_poll</c>. Returns the bucket and endpoint.
    /// </summary>
    private static (string Bucket, string Endpoint) SharedS3Backend(List<(string Name, TempoConfig Config)> processes)
    {
        foreach (var (name, config) in processes)
        {
            var trace = config.Storage.Trace;
            trace.Backend.Should().Be(StorageBackend.S3, $"{name} must share the block backend; a local folder is private to one process");
            trace.S3.Endpoint.Should().MatchRegex(@"^[a-z0-9.-]+:\d+$", $"{name}: the S3 endpoint is host:port");
            config.LiveStore.CompleteBlockTimeout.Should().BeGreaterThanOrEqualTo(2 * trace.BlocklistPoll, name);
            config.Compactor.CompactedBlockRetention.Should().BeGreaterThanOrEqualTo(2 * trace.BlocklistPoll, name);
        }

        var backends = processes.Select(p => (p.Config.Storage.Trace.S3.Bucket, p.Config.Storage.Trace.S3.Endpoint)).Distinct().ToList();
        backends.Should().ContainSingle("every live store and the compactor use one bucket at one endpoint");
        return backends[0];
    }

    // An mc script that signs in at the S3 endpoint and makes the bucket (idempotently, so a re-run succeeds).
    private static bool CreatesBucket(string script, string endpoint, string bucket) =>
        script.Contains($"http://{endpoint} ", StringComparison.Ordinal) &&
        System.Text.RegularExpressions.Regex.IsMatch(script, $@"mc mb --ignore-existing \S+/{System.Text.RegularExpressions.Regex.Escape(bucket)}(\s|$)");

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

    // Our services (and containers) are built from the repository's Dockerfile or run its image; others (Kafka, MinIO)
    // are checked through them.
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
