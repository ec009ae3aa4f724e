using Tempo.Streaming.MockKafka;

// mock-kafka [--brokers N] [--topic name:partitions]...
// Prints BOOTSTRAP=<host:port,...> once the cluster listens. Lines on stdin: "topic <name> <partitions>" creates a
// topic (answers "OK topic <name>" or "ERROR ..."), "down <broker>" / "up <broker>" take a broker down or up.
// It stops on SIGTERM, Ctrl-C, or end of stdin (unless MOCK_KAFKA_IGNORE_STDIN_EOF=1, for `... </dev/null &`).
var brokers = 1;
var topics = new List<(string Name, int Partitions)>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--brokers" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
            brokers = n;
            i++;
            break;
        case "--topic" when i + 1 < args.Length && TryParseTopic(args[i + 1], out var topic):
            topics.Add(topic);
            i++;
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: mock-kafka [--brokers N] [--topic name[:partitions]]...");
            return 0;
        default:
            Console.Error.WriteLine($"mock-kafka: invalid argument \"{args[i]}\"; usage: mock-kafka [--brokers N] [--topic name[:partitions]]...");
            return 2;
    }
}

using var cluster = new MockKafkaCluster(brokers);
foreach (var (name, partitions) in topics)
{
    cluster.CreateTopic(name, partitions);
}

Console.WriteLine("BOOTSTRAP=" + cluster.BootstrapServers);
Console.Out.Flush();

using var done = new ManualResetEventSlim();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    done.Set();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => done.Set();
_ = Task.Run(() =>
{
    string? line;
    while ((line = Console.ReadLine()) != null)
    {
        Console.WriteLine(Execute(cluster, line));
        Console.Out.Flush();
    }

    if (Environment.GetEnvironmentVariable("MOCK_KAFKA_IGNORE_STDIN_EOF") != "1")
    {
        done.Set();
    }
});
done.Wait();
return 0;

static bool TryParseTopic(string text, out (string Name, int Partitions) topic)
{
    var parts = text.Split(':');
    var partitions = 1;
    topic = default;
    if (parts[0].Length == 0 || parts.Length > 2 || (parts.Length == 2 && (!int.TryParse(parts[1], out partitions) || partitions < 1)))
    {
        return false;
    }

    topic = (parts[0], partitions);
    return true;
}

static string Execute(MockKafkaCluster cluster, string line)
{
    var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    try
    {
        switch (words)
        {
            case ["topic", var name, var count] when int.TryParse(count, out var partitions) && partitions > 0:
                cluster.CreateTopic(name, partitions);
                return "OK topic " + name;
            case ["down", var id] when int.TryParse(id, out var broker):
                cluster.SetBrokerDown(broker);
                return "OK down " + broker;
            case ["up", var id] when int.TryParse(id, out var broker):
                cluster.SetBrokerUp(broker);
                return "OK up " + broker;
            default:
                return $"ERROR unknown command \"{line}\" (topic <name> <partitions> | down <broker> | up <broker>)";
        }
    }
    catch (InvalidOperationException e)
    {
        return "ERROR " + e.Message;
    }
}
