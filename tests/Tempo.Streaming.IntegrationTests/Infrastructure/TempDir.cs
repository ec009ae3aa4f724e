namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>A fresh folder under the system temp dir, deleted when the test ends.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "tempo-it")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
