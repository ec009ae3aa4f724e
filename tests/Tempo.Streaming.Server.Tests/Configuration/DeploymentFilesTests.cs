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

    [Fact]
    public void Compose_services_run_accepted_flags_with_an_existing_config_and_publish_its_ports()
    {
        var compose = LoadYaml(Path.Combine(Root, "compose", "docker-compose.yaml")).Single();
        var services = (YamlMappingNode)compose["services"];
        services.Children.Should().NotBeEmpty();
        foreach (var (name, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            var arguments = ServerArguments.Parse(Strings(service["command"]));
            arguments.Target.Should().Be("all", $"service {name}");

            var mounted = Strings(service["volumes"]).Select(v => v.Split(':')).Single(v => v[1] == arguments.ConfigFile);
            var configOnHost = Path.GetFullPath(Path.Combine(Root, "compose", mounted[0]));
            File.Exists(configOnHost).Should().BeTrue($"service {name} mounts {mounted[0]} as its config");
            var config = ConfigLoader.LoadFile(configOnHost, expandEnv: false);

            var published = Strings(service["ports"]).Select(p => int.Parse(p.Split(':')[^1])).ToList();
            published.Should().BeEquivalentTo(ListeningPorts(config), $"service {name} publishes exactly the ports its config listens on");
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
    public void Dockerfile_starts_the_published_binary_with_accepted_flags()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        var cmd = lines.Single(l => l.StartsWith("CMD ", StringComparison.Ordinal));
        var args = System.Text.Json.JsonSerializer.Deserialize<string[]>(cmd["CMD ".Length..])!;
        ServerArguments.Parse(args).Target.Should().Be("all");
        lines.Should().Contain(l => l.StartsWith("ENTRYPOINT [\"/app/tempo-streaming\"]", StringComparison.Ordinal));
        File.ReadAllText(Path.Combine(Root, "Makefile")).Should().Contain("-o .publish/server", "the Dockerfile copies .publish/server");
    }

    private static int[] ListeningPorts(TempoConfig config) =>
    [
        config.Server.HttpListenPort,
        ConfigLoader.Endpoint(config.Distributor.Receivers.Otlp!.Grpc!.Endpoint, "grpc").Port,
        ConfigLoader.Endpoint(config.Distributor.Receivers.Otlp!.Http!.Endpoint, "http").Port,
    ];

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
