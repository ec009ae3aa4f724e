namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>A fact over Tempo's vParquet4 test block in <c>&lt;repo&gt;/../shared/testdata</c>; skipped, naming the path, when absent.</summary>
public sealed class TempoBlockFactAttribute : FactAttribute
{
    public TempoBlockFactAttribute()
    {
        if (!File.Exists(DataParquet)) Skip = $"Tempo test data absent: {DataParquet} (copy Tempo's vParquet4 test block there)";
    }

    public static string DataParquet { get; } = Path.Combine(RepoRoot(), "..", "shared", "testdata", "tempo-blocks", "vparquet4", "single-tenant",
        "b27b0e53-66a0-4505-afd6-434ae3cd4a10", "data.parquet");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
