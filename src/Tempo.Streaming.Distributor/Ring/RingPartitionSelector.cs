using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.Distributor;

/// <summary>
/// The distributor's view of the partition ring (ARCHITECTURE.md §4): routes each trace token to an ACTIVE partition
/// of the ring held by an <see cref="IPartitionRingStore"/>. Every <see cref="IPartitionRingStore.Changed"/> that
/// changes the set of ACTIVE partitions builds a new immutable <see cref="PartitionTokenTable"/> and swaps it in, so
/// lookups take no lock and allocate nothing, and a trace's partition changes only when the ACTIVE set does — when a
/// partition turns INACTIVE only the keys it owned move (to the next ACTIVE owner on the ring). Partition IDs the ingest
/// log does not have are left out with a warning: writing to them would fail every push.
/// <para>
/// A partition that turns INACTIVE stops receiving new records once the ring store has applied the change: at once in
/// single-binary mode, within the writer's append plus one ring-store poll (<see cref="LogPartitionRingStore.PollInterval"/>,
/// 250 ms by default) in distributed mode; appends already routed before that finish.
/// </para>
/// </summary>
public sealed class RingPartitionSelector : IPartitionRing, IDisposable
{
    private readonly IPartitionRingStore _store;
    private readonly ILogger _logger;
    private readonly Lock _rebuild = new();
    private readonly Action<PartitionRingDesc> _onChanged;
    private volatile Routing _routing;
    private int[] _ignored = [];

    /// <param name="store">The started ring store.</param>
    /// <param name="partitionCount">Partitions of the ingest log; ring partitions at or past it are ignored.</param>
    /// <param name="topic">The ingest log's topic, for messages.</param>
    /// <param name="logger">Receives ACTIVE-set changes (info) and ignored partitions (warning).</param>
    /// <param name="tokensPerPartition">Tokens per partition; every distributor must use the same value.</param>
    public RingPartitionSelector(IPartitionRingStore store, int partitionCount, string topic, ILogger logger,
        int tokensPerPartition = PartitionTokenTable.DefaultTokensPerPartition)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerPartition);
        _store = store;
        PartitionCount = partitionCount;
        Topic = topic;
        TokensPerPartition = tokensPerPartition;
        _logger = logger;
        _routing = new Routing(PartitionTokenTable.Build(Array.Empty<int>(), tokensPerPartition), "the ring has no partitions");
        _onChanged = _ => Rebuild();
        // Subscribe before the first build so a change between the two is not lost; Rebuild always reads the newest ring.
        store.Changed += _onChanged;
        Rebuild();
    }

    public int PartitionCount { get; }

    public string Topic { get; }

    public int TokensPerPartition { get; }

    public IReadOnlyList<int> ActivePartitions => _routing.Table.Partitions;

    /// <summary>The token table in use (replaced, never mutated, when the ACTIVE set changes).</summary>
    public PartitionTokenTable Table => _routing.Table;

    public int PartitionFor(uint token)
    {
        var routing = _routing;
        var partition = routing.Table.PartitionFor(token);
        if (partition < 0)
        {
            ThrowNoActivePartition(routing.EmptyReason);
        }

        return partition;
    }

    public void Dispose() => _store.Changed -= _onChanged;

    private static void ThrowNoActivePartition(string reason) =>
        throw new InvalidOperationException("no ACTIVE partition in the ring (" + reason + ")");

    private void Rebuild()
    {
        lock (_rebuild)
        {
            var ring = _store.Current;
            var active = new List<int>();
            var ignored = new List<int>();
            foreach (var partition in ring.Partitions.Values)
            {
                if (partition.State != PartitionState.Active)
                {
                    continue;
                }

                (partition.Id < PartitionCount ? active : ignored).Add(partition.Id);
            }

            if (!ignored.SequenceEqual(_ignored))
            {
                _ignored = [.. ignored];
                if (ignored.Count > 0)
                {
                    RingLogMessages.PartitionsIgnored(_logger, string.Join(",", ignored), Topic, PartitionCount);
                }
            }

            var current = _routing;
            if (active.SequenceEqual(current.Table.Partitions))
            {
                if (active.Count == 0)
                {
                    // Still nothing to route to, but the states the push error lists may have changed.
                    _routing = current with { EmptyReason = Describe(ring) };
                }

                return;
            }

            _routing = new Routing(PartitionTokenTable.Build(active, TokensPerPartition), Describe(ring));
            RingLogMessages.ActivePartitionsChanged(_logger, string.Join(",", active), string.Join(",", current.Table.Partitions));
        }
    }

    /// <summary>Why no partition is ACTIVE, for the push error: each partition with its state, or an empty ring.</summary>
    private string Describe(PartitionRingDesc ring)
    {
        if (ring.Partitions.Count == 0)
        {
            return "the ring has no partitions";
        }

        var parts = new List<string>(ring.Partitions.Count);
        foreach (var partition in ring.Partitions.Values)
        {
            parts.Add(partition.State == PartitionState.Active
                ? $"{partition.Id}: PartitionActive but not in ingest log '{Topic}' ({PartitionCount} partitions)"
                : $"{partition.Id}: {partition.State.Name()}");
        }

        return "partitions " + string.Join(", ", parts);
    }

    private sealed record Routing(PartitionTokenTable Table, string EmptyReason);
}
