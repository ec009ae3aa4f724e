// Crash probe for tests/Tempo.Streaming.RocksDb.Tests (CrashReopenTests).
//
//   dotnet Tempo.Streaming.RocksDb.CrashProbe.dll <db-path> <keys-per-batch> <value-bytes>
//
// Opens (or reopens) the database, continues after the last batch it finds, and then writes batches forever, WAL on and
// sync=false, each batch atomically putting <keys-per-batch> keys into "traces" and the batch number into "meta".
// After RocksDatabase.Write returns it prints "ACK <n>" and flushes stdout, so every number the test reads was
// acknowledged before the test kills the process with SIGKILL. The test verifies with the same CrashProbeLayout
// (visible to it through InternalsVisibleTo).
using Tempo.Streaming.RocksDb;
using Tempo.Streaming.RocksDb.CrashProbe;

if (args.Length != 3 || !int.TryParse(args[1], out var keysPerBatch) || !int.TryParse(args[2], out var valueBytes)
    || keysPerBatch < 1 || valueBytes < CrashProbeLayout.MinValueBytes)
{
    Console.Error.WriteLine(
        $"usage: Tempo.Streaming.RocksDb.CrashProbe <db-path> <keys-per-batch ≥ 1> <value-bytes ≥ {CrashProbeLayout.MinValueBytes}>");
    return 2;
}

using var db = RocksDatabase.Open(args[0], RocksDbOptions.Default, CrashProbeLayout.ColumnFamilies);
var traces = db.GetColumnFamily(CrashProbeLayout.TracesColumnFamily);
var meta = db.GetColumnFamily(CrashProbeLayout.MetaColumnFamily);
var last = db.Get(meta, CrashProbeLayout.LastBatchKey);
var batchNumber = last is null ? 0L : CrashProbeLayout.ReadBatchNumber(last);

var key = new byte[CrashProbeLayout.KeyBytes];
var value = new byte[valueBytes];
var batchValue = new byte[sizeof(long)];
using var batch = new RocksWriteBatch();
var stdout = Console.Out;
stdout.WriteLine($"START {batchNumber}");
stdout.Flush();
while (true)
{
    batchNumber++;
    batch.Clear();
    for (var i = 0; i < keysPerBatch; i++)
    {
        CrashProbeLayout.WriteKey(key, batchNumber, i);
        CrashProbeLayout.WriteValue(value, batchNumber, i);
        batch.Put(traces, key, value);
    }

    CrashProbeLayout.WriteBatchNumber(batchValue, batchNumber);
    batch.Put(meta, CrashProbeLayout.LastBatchKey, batchValue);
    db.Write(batch, sync: false);
    stdout.WriteLine($"ACK {batchNumber}");
    stdout.Flush();
}
