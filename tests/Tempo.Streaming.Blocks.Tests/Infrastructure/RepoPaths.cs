namespace Tempo.Streaming.Blocks.Tests.Infrastructure;

/// <summary>Locations the tests need: the repository root (found by walking up to Tempo.Streaming.sln) and shared test data.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;

    /// <summary><c>tests/js</c>: package.json and node_modules of the JavaScript test tools (s3rver, DuckDB).</summary>
    public static string JsFolder => Path.Combine(RepoRoot, "tests", "js");

    /// <summary><c>&lt;repo&gt;/../shared/testdata</c>: real Tempo blocks; absent on machines without the shared folder.</summary>
    public static string SharedTestData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "testdata"));

    /// <summary>The vParquet4 block Tempo's own tests ship (134 traces, one row group, one bloom shard).</summary>
    public static string TempoVParquet4Block => Path.Combine(SharedTestData, "tempo-blocks", "vparquet4", "single-tenant",
        "b27b0e53-66a0-4505-afd6-434ae3cd4a10");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tempo.Streaming.sln")) ||
                File.Exists(Path.Combine(dir.FullName, "Tempo.Streaming.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"cannot find the repository root (a folder with Tempo.Streaming.sln) above {AppContext.BaseDirectory}");
    }
}

/// <summary>A fact that is skipped, with a message saying what is missing, when Tempo's test block is absent.</summary>
public sealed class TempoBlockFactAttribute : FactAttribute
{
    public TempoBlockFactAttribute()
    {
        if (!Directory.Exists(RepoPaths.TempoVParquet4Block))
        {
            Skip = $"Tempo's vParquet4 test block is absent: {RepoPaths.TempoVParquet4Block} (copy ../shared/testdata to run this test)";
        }
    }
}
