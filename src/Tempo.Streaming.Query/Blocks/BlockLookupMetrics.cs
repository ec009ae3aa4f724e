using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Query.Blocks;

/// <summary>Instruments of trace-by-ID lookups in blocks (meter <c>Tempo.Streaming.Query.BlockLookups</c>).</summary>
internal sealed class BlockLookupMetrics : IDisposable
{
    public const string MeterName = "Tempo.Streaming.Query.BlockLookups";

    /// <summary>The block could not be read (corrupt, truncated, wrong schema).</summary>
    public const string ReasonCorrupt = "corrupt";

    /// <summary>An object of a block whose meta.json still exists is missing.</summary>
    public const string ReasonMissingObject = "missing_object";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public BlockLookupMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory is null;
        BlocksInspected = _meter.CreateCounter<long>("tempo_streaming_query_blocks_inspected_total",
            description: "Blocks asked for a trace by ID (after time and block-ID pruning), by tenant.");
        BlockErrors = _meter.CreateCounter<long>("tempo_streaming_query_block_errors_total",
            description: "Blocks skipped by a trace-by-ID lookup because they could not be read, by tenant and reason.");
    }

    public Counter<long> BlocksInspected { get; }

    public Counter<long> BlockErrors { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
