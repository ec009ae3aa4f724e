namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>Where the repository, the built server and the npm test clients are, seen from the test assembly.</summary>
public static class RepoPaths
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    public static string ServerDll => Path.Combine(Root, "src", "Tempo.Streaming.Server", "bin", Configuration, "net10.0", "tempo-streaming.dll");

    public static string JsClients => Path.Combine(Root, "tests", "js");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tempo.Streaming.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Tempo.Streaming.sln not found above {AppContext.BaseDirectory}");
    }
}
