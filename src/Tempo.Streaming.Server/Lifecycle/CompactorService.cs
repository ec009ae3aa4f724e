using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Blocks.Compaction;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>
/// The compactor (<c>-target=compactor</c>, and inside <c>all</c>): every <c>compaction_cycle</c> one pass over every
/// tenant of <c>storage.trace</c> — merge blocks of a compaction window, mark and delete blocks past retention, rebuild
/// the tenant index (<see cref="Compactor"/>). A failed pass is logged and the next cycle tries again; each step of a
/// pass is safe to interrupt (see <see cref="Compactor"/>), so stopping mid-pass loses nothing.
/// </summary>
internal sealed class CompactorService : BackgroundService
{
    private readonly TempoConfig _config;
    private readonly CompactionGate _gate;
    private readonly ServiceStatus _status;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    public CompactorService(TempoConfig config, ServiceRegistry registry, ILoggerFactory loggerFactory, CompactionGate gate)
    {
        _config = config;
        _gate = gate;
        _status = registry.Register(ServiceRegistry.Compactor);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Tempo.Streaming.Compactor");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Blocks.Backend.IObjectStore store;
        Compactor compactor;
        _status.Set(ServiceState.Starting);
        try
        {
            store = _config.CreateBlockStore();
            // Held by a live store in this process while it cuts (-target=all); a compactor of its own never waits.
            compactor = new Compactor(_config.ToCompactorOptions(), _loggerFactory) { Gate = _gate };
        }
        catch (Exception e)
        {
            _status.Fail(e);
            Log.ServiceFailed(_logger, e, ServiceRegistry.Compactor);
            throw;
        }

        _status.Set(ServiceState.Running);
        try
        {
            using var timer = new PeriodicTimer(_config.Compactor.CompactionCycle);
            do
            {
                try
                {
                    var pass = await compactor.RunOnceAsync(store, DateTimeOffset.UtcNow, stoppingToken);
                    if (pass.BlocksIn + pass.RetentionMarked + pass.BlocksDeleted + pass.Errors.Count > 0)
                    {
                        Log.CompactionPass(_logger, pass.Tenants, pass.BlocksIn, pass.BlocksOut, pass.Spans, pass.RetentionMarked,
                            pass.BlocksDeleted, pass.Errors.Count);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.CompactionFailed(_logger, e, _config.Compactor.CompactionCycle.TotalSeconds);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _status.Set(ServiceState.Terminated);
            (store as IDisposable)?.Dispose();
        }
    }
}
