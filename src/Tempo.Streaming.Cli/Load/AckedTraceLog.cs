using System.Text;
using Tempo.Streaming.Cli.Load.Workload;

namespace Tempo.Streaming.Cli.Load;

/// <summary>
/// The <c>--acked-out</c> file: one line per trace of every acknowledged batch, <c>index TAB trace-id-hex LF</c>,
/// appended and flushed to the OS as each acknowledgement arrives, so a crash test can tell exactly which traces
/// the server promised to keep even if this process is killed too. Lines of concurrent batches interleave
/// (whole batches at a time); order is not meaningful.
/// </summary>
public sealed class AckedTraceLog : IDisposable
{
    private const int LineBytes = 20 + 1 + 32 + 1;

    private readonly FileStream _stream;
    private readonly ShopWorkload _workload;
    private readonly Lock _lock = new();
    private byte[] _buffer = new byte[64 * 1024];

    public AckedTraceLog(string path, ShopWorkload workload)
    {
        _workload = workload;
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    public void Append(long firstTrace, int traceCount)
    {
        lock (_lock)
        {
            var needed = traceCount * LineBytes;
            if (_buffer.Length < needed)
            {
                _buffer = new byte[needed];
            }
            var at = 0;
            Span<byte> id = stackalloc byte[16];
            for (var i = 0; i < traceCount; i++)
            {
                var index = firstTrace + i;
                index.TryFormat(_buffer.AsSpan(at), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
                at += written;
                _buffer[at++] = (byte)'\t';
                _workload.WriteTraceId(index, id);
                for (var b = 0; b < 16; b++)
                {
                    _buffer[at++] = (byte)"0123456789abcdef"[id[b] >> 4];
                    _buffer[at++] = (byte)"0123456789abcdef"[id[b] & 0xF];
                }
                _buffer[at++] = (byte)'\n';
            }
            _stream.Write(_buffer, 0, at);
        }
    }

    /// <summary>Reads an acked-trace file back: trace index → trace ID (hex). Tolerates a torn last line.</summary>
    public static IReadOnlyDictionary<long, string> Read(string path)
    {
        var result = new Dictionary<long, string>();
        foreach (var line in File.ReadLines(path, Encoding.ASCII))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0 || line.Length - tab - 1 != 32 || !long.TryParse(line.AsSpan(0, tab), out var index))
            {
                continue;
            }
            result[index] = line[(tab + 1)..];
        }
        return result;
    }

    public void Dispose() => _stream.Dispose();
}
