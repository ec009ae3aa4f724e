namespace Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

/// <summary>
/// A fact over Tempo's own vParquet4 block in <c>&lt;repo&gt;/../shared/testdata</c>; skipped, saying what is missing,
/// when that folder is absent (the data is not part of the repository).
/// </summary>
public sealed class TempoBlockFactAttribute : FactAttribute
{
    public const string BlockFolder = "tempo-blocks/vparquet4/single-tenant/b27b0e53-66a0-4505-afd6-434ae3cd4a10";

    public TempoBlockFactAttribute()
    {
        if (!File.Exists(DataParquet)) Skip = $"Tempo test data absent: {DataParquet} (copy Tempo's vParquet4 test block to ../shared/testdata)";
    }

    public static string DataParquet => Path.Combine(RepoPaths.SharedTestData, BlockFolder, "data.parquet");
}
