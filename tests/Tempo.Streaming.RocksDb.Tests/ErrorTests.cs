using Xunit.Abstractions;

namespace Tempo.Streaming.RocksDb.Tests;

public sealed class ErrorTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDatabaseDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Opening_a_database_that_is_already_open_fails_with_RocksDBs_lock_message()
    {
        using var db = _dir.Open("traces");

        var act = () => _dir.Open("traces");

        var error = act.Should().Throw<RocksDbException>().Which;
        output.WriteLine(error.Message);
        error.Message.Should().StartWith($"open '{db.Path}': ").And.Contain("LOCK");
        error.NativeMessage.Should().StartWith("IO error").And.Contain("lock");
    }

    [Fact]
    public void Opening_a_path_that_is_a_file_fails_with_RocksDBs_message()
    {
        var file = Path.Combine(_dir.Root, "not-a-directory");
        File.WriteAllText(file, "x");

        var act = () => RocksDatabase.Open(file, RocksDbOptions.Default, ["traces"]);

        Report(act.Should().Throw<RocksDbException>().Which).NativeMessage.Should().StartWith("IO error").And.Contain(file);
    }

    [Fact]
    public void Opening_a_missing_database_without_CreateIfMissing_fails()
    {
        Directory.CreateDirectory(_dir.DatabasePath);

        var act = () => _dir.Open(new RocksDbOptions { CreateIfMissing = false }, "traces");

        Report(act.Should().Throw<RocksDbException>().Which).NativeMessage.Should().Contain("does not exist");
    }

    [Fact]
    public void A_corrupt_manifest_pointer_surfaces_as_RocksDBs_corruption_message()
    {
        using (var db = _dir.Open("traces"))
        {
            db.Put(db.GetColumnFamily("traces"), Bytes.Of("k"), Bytes.Of("v"));
        }

        // CURRENT names the live MANIFEST; point it at one that does not exist.
        File.WriteAllText(Path.Combine(_dir.DatabasePath, "CURRENT"), "MANIFEST-999999\n");

        var act = () => _dir.Open("traces");

        Report(act.Should().Throw<RocksDbException>().Which).NativeMessage.Should().Contain("MANIFEST-999999");
    }

    [Fact]
    public void A_garbage_manifest_surfaces_as_RocksDBs_corruption_message()
    {
        using (var db = _dir.Open("traces"))
        {
            db.Put(db.GetColumnFamily("traces"), Bytes.Of("k"), Bytes.Of("v"));
        }

        // Listing column families and opening both replay the MANIFEST; RocksDB reports zeroed records as corruption.
        var manifest = Directory.GetFiles(_dir.DatabasePath, "MANIFEST-*").Single();
        File.WriteAllBytes(manifest, new byte[4096]);

        var act = () => _dir.Open("traces");

        Report(act.Should().Throw<RocksDbException>().Which).NativeMessage.Should().MatchRegex("Corruption|corrupt|IO error");
    }

    private RocksDbException Report(RocksDbException error)
    {
        output.WriteLine(error.Message);
        return error;
    }
}
