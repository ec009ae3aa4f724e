using YamlDotNet.RepresentationModel;

namespace Tempo.Streaming.TraceQL.Tests;

/// <summary>
/// Tempo's own TraceQL conformance examples (<c>../shared/testdata/traceql</c>): queries that must be valid, fail to
/// parse, fail validation, or be reported as not yet supported.
/// </summary>
internal static class ConformanceCorpus
{
    public const string V303 = "tempo-v3.0.3-test_examples.yaml";
    public const string Head = "tempo-head-test_examples.yaml";

    public static readonly string[] Sections = ["valid", "parse_fails", "validate_fails", "unsupported"];

    /// <summary>(section, query) for every example of <paramref name="file"/>, in file order.</summary>
    public static IReadOnlyList<(string Section, string Query)> Load(string file)
    {
        var path = Path.Combine(FindRepoRoot(), "..", "shared", "testdata", "traceql", file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Tempo's TraceQL conformance corpus is missing: {path} (../shared must sit beside the repository)", path);
        }

        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var examples = new List<(string, string)>();
        foreach (var section in Sections)
        {
            if (root.Children.TryGetValue(new YamlScalarNode(section), out var node) && node is YamlSequenceNode queries)
            {
                examples.AddRange(queries.Children.Select(q => (section, ((YamlScalarNode)q).Value!)));
            }
        }
        return examples;
    }

    /// <summary>What happens to <paramref name="query"/>: the section it belongs in by this implementation.</summary>
    public static string Classify(string query)
    {
        try
        {
            TraceQLParser.ParseValid(query);
            return "valid";
        }
        catch (TraceQLParseException)
        {
            return "parse_fails";
        }
        catch (TraceQLValidationException)
        {
            return "validate_fails";
        }
        catch (TraceQLUnsupportedException)
        {
            return "unsupported";
        }
    }

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}
