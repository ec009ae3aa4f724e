using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.IngestLog.Tests.Embedded;

namespace Tempo.Streaming.IngestLog.Tests;

/// <summary>The shared <see cref="IIngestLog"/> contract, run against the embedded segment log.</summary>
public sealed class EmbeddedIngestLogContractTests : IngestLogContractTests
{
    private readonly TestLogFolder _folder = new();
    private EmbeddedLogOptions? _options;

    protected override Task<IIngestLog> CreateLogAsync(int partitions)
    {
        _options = _folder.Options(partitions, LogCompression.Lz4); // the default codec must keep the contract
        return Task.FromResult<IIngestLog>(EmbeddedIngestLog.Open(_options));
    }

    protected override Task<IIngestLog> ReopenLogAsync(IIngestLog log) =>
        Task.FromResult<IIngestLog>(EmbeddedIngestLog.Open(_options!));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
