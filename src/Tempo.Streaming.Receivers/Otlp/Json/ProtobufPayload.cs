using System.Buffers;

namespace Tempo.Streaming.Receivers.Otlp.Json;

/// <summary>
/// Marshalled protobuf bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>: the transcoder's output, kept
/// until the distributor has finished with it (the push is asynchronous), then returned by <see cref="Dispose"/>.
/// Not thread-safe; dispose exactly once.
/// </summary>
public sealed class ProtobufPayload : IDisposable
{
    private byte[] _array;
    private readonly int _length;

    internal ProtobufPayload(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    public int Length => _length;

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, _length);

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
