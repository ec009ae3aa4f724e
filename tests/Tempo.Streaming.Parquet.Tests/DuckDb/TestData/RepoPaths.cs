namespace Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

/// <summary>Where the repository, the npm test clients and the shared Tempo test data are, seen from the test assembly.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string JsClients => Path.Combine(Root, "tests", "js");

    /// <summary><c>&lt;repo&gt;/../shared/testdata</c>: Tempo's own blocks, kept outside the repository.</summary>
    public static string SharedTestData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tempo.Streaming.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Tempo.Streaming.sln not found above {AppContext.BaseDirectory}");
    }
}
