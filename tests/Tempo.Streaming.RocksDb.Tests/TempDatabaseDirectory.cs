using System.Text;

namespace Tempo.Streaming.RocksDb.Tests;

/// <summary>A fresh directory under the system temp folder for one test's database(s); deleted on dispose.</summary>
internal sealed class TempDatabaseDirectory : IDisposable
{
    public TempDatabaseDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "tempo-rocksdb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Where the test's main database lives (not created until opened).</summary>
    public string DatabasePath => Path.Combine(Root, "db");

    public RocksDatabase Open(params string[] columnFamilies) => Open(RocksDbOptions.Default, columnFamilies);

    public RocksDatabase Open(RocksDbOptions options, params string[] columnFamilies) =>
        RocksDatabase.Open(DatabasePath, options, columnFamilies);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

internal static class Bytes
{
    public static byte[] Of(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    public static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
