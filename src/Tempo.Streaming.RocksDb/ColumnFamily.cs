using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

/// <summary>An open column family of one <see cref="RocksDatabase"/>; obtained from <see cref="RocksDatabase.GetColumnFamily"/>.</summary>
public sealed class ColumnFamily
{
    internal ColumnFamily(string name, RocksDatabase database, ColumnFamilyHandle handle)
    {
        Name = name;
        Database = database;
        Handle = handle;
    }

    public string Name { get; }

    internal RocksDatabase Database { get; }

    internal ColumnFamilyHandle Handle { get; }

    public override string ToString() => Name;
}
