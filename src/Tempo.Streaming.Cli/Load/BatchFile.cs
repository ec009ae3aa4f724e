using System.Buffers.Binary;

namespace Tempo.Streaming.Cli.Load;

/// <summary>Identity of a workload a batch file was generated from, so a replay can name the traces it sends.</summary>
public sealed record BatchFileHeader(long Seed, long BaseTimeUnixNano);

/// <summary>
/// The <c>--out</c> / <c>--in</c> file: recorded OTLP batches for repeatable replays.
/// Layout (little-endian): magic "TSLOAD01", seed (int64), base time (int64 unix ns), then records of
/// [payload length uint32][first trace index int64][trace count int32][span count int32][payload =
/// ExportTraceServiceRequest protobuf]. A record cut short at the end of the file (a writer killed mid-write) is
/// reported as an error rather than replayed.
/// </summary>
public static class BatchFile
{
    public static ReadOnlySpan<byte> Magic => "TSLOAD01"u8;

    public const int HeaderBytes = 24;

    public const int RecordHeaderBytes = 20;

    /// <summary>Largest payload accepted when reading (a corrupt length must not allocate gigabytes).</summary>
    public const int MaxPayloadBytes = 256 * 1024 * 1024;
}

/// <summary>Appends batches to a batch file. Not thread-safe.</summary>
public sealed class BatchFileWriter : IDisposable
{
    private readonly FileStream _stream;

    public BatchFileWriter(string path, BatchFileHeader header)
    {
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        Span<byte> bytes = stackalloc byte[BatchFile.HeaderBytes];
        BatchFile.Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], header.Seed);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[16..], header.BaseTimeUnixNano);
        _stream.Write(bytes);
    }

    public long BytesWritten => _stream.Position;

    public void Write(in BatchInfo batch, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[BatchFile.RecordHeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[4..], batch.FirstTrace);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], batch.TraceCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], batch.SpanCount);
        _stream.Write(header);
        _stream.Write(payload);
    }

    public void Dispose()
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }
}

/// <summary>Reads batches back in order. Not thread-safe.</summary>
public sealed class BatchFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    public BatchFileReader(string path)
    {
        _path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        Span<byte> bytes = stackalloc byte[BatchFile.HeaderBytes];
        if (_stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length
            || !bytes[..8].SequenceEqual(BatchFile.Magic))
        {
            _stream.Dispose();
            throw new InvalidDataException($"{path} is not a load batch file (written by `load --out`): bad or missing header");
        }
        Header = new BatchFileHeader(
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]));
    }

    public BatchFileHeader Header { get; }

    /// <summary>
    /// Reads the next batch into <paramref name="buffer"/> (grown as needed); false at the end of the file.
    /// </summary>
    public bool TryRead(ref byte[] buffer, out BatchInfo batch, out int payloadLength)
    {
        Span<byte> header = stackalloc byte[BatchFile.RecordHeaderBytes];
        var read = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            batch = default;
            payloadLength = 0;
            return false;
        }
        if (read < header.Length)
        {
            throw new InvalidDataException($"{_path}: truncated batch header at byte {_stream.Position - read}");
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > BatchFile.MaxPayloadBytes)
        {
            throw new InvalidDataException($"{_path}: batch of {length} bytes at byte {_stream.Position - read} is over the limit");
        }
        batch = new BatchInfo(
            BinaryPrimitives.ReadInt64LittleEndian(header[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[16..]));
        payloadLength = (int)length;
        if (buffer.Length < payloadLength)
        {
            buffer = new byte[Math.Max(payloadLength, buffer.Length * 2)];
        }
        if (_stream.ReadAtLeast(buffer.AsSpan(0, payloadLength), payloadLength, throwOnEndOfStream: false) < payloadLength)
        {
            throw new InvalidDataException($"{_path}: batch of trace {batch.FirstTrace} is truncated");
        }
        return true;
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>A batch = traces [FirstTrace, FirstTrace + TraceCount) of the workload, SpanCount spans in all.</summary>
public readonly record struct BatchInfo(long FirstTrace, int TraceCount, int SpanCount);
