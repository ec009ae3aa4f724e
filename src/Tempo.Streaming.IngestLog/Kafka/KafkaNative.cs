using System.Runtime.InteropServices;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Points Confluent.Kafka at Debian's <c>librdkafka.so.1</c>. Its default probing looks for the unversioned
/// <c>librdkafka.so</c> (only the -dev package has it), and its own <c>Library.Load</c> needs an unversioned
/// <c>libdl.so</c> this glibc lacks (../shared/deps/native.md §1). Call before the first client is built; idempotent,
/// since a second resolver on one assembly throws.
/// </summary>
public static class KafkaNative
{
    public const string LibraryName = "librdkafka.so.1";

    private static int _initialized;

    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 1)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, static (name, _, _) =>
            name == "librdkafka" && NativeLibrary.TryLoad(LibraryName, out var handle) ? handle : IntPtr.Zero);
    }
}
