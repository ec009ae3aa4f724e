namespace Tempo.Streaming.Parquet.Tests.Reading;

/// <summary>A fact that needs Tempo's vParquet4 test block under <c>&lt;repo&gt;/../shared/testdata</c>; skipped, saying so, when it is absent.</summary>
public sealed class TempoBlockFactAttribute : FactAttribute
{
    public TempoBlockFactAttribute()
    {
        if (!File.Exists(TempoBlock.DataParquet)) Skip = $"Tempo's test block is absent: {TempoBlock.DataParquet} (copy ../shared/testdata/tempo-blocks next to the repository)";
    }
}

internal static class TempoBlock
{
    public static string DataParquet { get; } = Path.Combine(FindRepoRoot(), "..", "shared", "testdata", "tempo-blocks", "vparquet4", "single-tenant",
        "b27b0e53-66a0-4505-afd6-434ae3cd4a10", "data.parquet");

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Directory.Build.props"))) directory = directory.Parent;
        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}
