using System.IO.Compression;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Transport;

namespace Tempo.Streaming.Cli.Load;

/// <summary>Per-sender: turns a protobuf batch into the request body of the chosen protocol (JSON, gzip).</summary>
internal sealed class RequestBodyBuilder(LoadProtocol protocol, bool gzip)
{
    private readonly OtlpJsonEncoder? _json = protocol == LoadProtocol.OtlpHttpJson ? new OtlpJsonEncoder() : null;
    private readonly MemoryStream? _compressed = gzip ? new MemoryStream(1 << 20) : null;

    public ReadOnlyMemory<byte> Build(ReadOnlyMemory<byte> protobuf)
    {
        var body = _json is null ? protobuf : _json.Transcode(protobuf.Span);
        if (_compressed is null)
        {
            return body;
        }
        _compressed.SetLength(0);
        using (var stream = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            stream.Write(body.Span);
        }
        return _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }
}
