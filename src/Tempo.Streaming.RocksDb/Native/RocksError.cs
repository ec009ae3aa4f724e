using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tempo.Streaming.RocksDb.Native;

/// <summary>Turns a C API <c>errptr</c> into a <see cref="RocksDbException"/>; the success check inlines, the throw does not.</summary>
internal static unsafe class RocksError
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ThrowIfSet(nint error, string operation)
    {
        if (error != 0)
        {
            Throw(error, operation);
        }
    }

    /// <summary>As <see cref="ThrowIfSet(nint, string)"/>; the message names the column family, built only on failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ThrowIfSet(nint error, string operation, string columnFamily)
    {
        if (error != 0)
        {
            Throw(error, operation + " (column family '" + columnFamily + "')");
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(nint error, string operation)
    {
        // c.h convention (3): the message is malloc'ed by RocksDB and ours to free.
        var message = Marshal.PtrToStringUTF8(error) ?? "(no message)";
        RocksNative.rocksdb_free((void*)error);
        throw new RocksDbException(operation, message);
    }
}
