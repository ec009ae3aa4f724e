using System.Globalization;
using System.Text;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>One compaction: its input blocks (live, same tenant) and the block they become.</summary>
internal sealed record CompactionJob(string Tenant, IReadOnlyList<BlockMeta> Inputs, CompactedBlockDescriptor Output)
{
    /// <summary>
    /// The output block of <paramref name="inputs"/>, a function of the set of inputs only (not their order):
    /// <list type="bullet">
    /// <item>ID: <see cref="OutputBlockId"/>, so a re-run after a crash targets the same folder and finds its meta.json;</item>
    /// <item>level: max(inputs) + 1, as Tempo's compactor;</item>
    /// <item>ingest ranges: every input's <c>ingest</c> and <c>ingestRanges</c>, distinct, sorted by topic, partition and
    /// offsets, kept as separate ranges (not coalesced), so the lineage audit still sees each cut block's range;</item>
    /// <item>dedicated columns: the union of the inputs' lists, inputs in block-ID order, each list in its own order.
    /// vParquet4 has 10 spare string columns per scope: the first ten of a scope get a column, the rest stay in the
    /// generic attribute lists — either way every attribute is kept, only its storage differs;</item>
    /// <item>replication factor: the inputs' common value, 0 (unknown) when they differ;</item>
    /// <item>estimated traces (bloom sizing): the inputs' total objects, an upper bound since split traces merge.</item>
    /// </list>
    /// </summary>
    public static CompactionJob For(string tenant, IReadOnlyList<BlockMeta> inputs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs.Count, 2);
        var byId = new List<BlockMeta>(inputs);
        byId.Sort(static (a, b) => string.CompareOrdinal(a.BlockId.ToString("D"), b.BlockId.ToString("D")));

        var level = 0;
        long traces = 0;
        var replicationFactor = byId[0].ReplicationFactor;
        var ranges = new HashSet<IngestLineage>();
        var dedicated = new List<DedicatedColumn>();
        foreach (var input in byId)
        {
            level = Math.Max(level, input.CompactionLevel);
            traces += input.TotalObjects;
            if (input.ReplicationFactor != replicationFactor)
            {
                replicationFactor = 0;
            }
            if (input.Ingest is { } ingest)
            {
                ranges.Add(ingest);
            }
            ranges.UnionWith(input.IngestRanges);
            foreach (var column in input.DedicatedColumns)
            {
                if (!dedicated.Contains(column))
                {
                    dedicated.Add(column);
                }
            }
        }

        var sortedRanges = new List<IngestLineage>(ranges);
        sortedRanges.Sort(CompareRanges);
        var output = new CompactedBlockDescriptor(OutputBlockId(tenant, byId), level + 1, sortedRanges, dedicated, replicationFactor, traces);
        return new CompactionJob(tenant, byId, output);
    }

    /// <summary>
    /// UUIDv5 (in <see cref="BlockId.LineageNamespace"/>) of <c>"tempo-compacted\n{tenant}\n{id}\n{id}..."</c> over the
    /// input IDs in ordinal order. The prefix keeps these names apart from cut blocks' lineage names.
    /// </summary>
    public static Guid OutputBlockId(string tenant, IEnumerable<BlockMeta> inputs)
    {
        var ids = new List<string>();
        foreach (var input in inputs)
        {
            ids.Add(input.BlockId.ToString("D"));
        }
        ids.Sort(StringComparer.Ordinal);
        var name = new StringBuilder("tempo-compacted\n").Append(tenant);
        foreach (var id in ids)
        {
            name.Append('\n').Append(id);
        }
        return BlockId.NameBased(BlockId.LineageNamespace, Encoding.UTF8.GetBytes(name.ToString()));
    }

    internal static int CompareRanges(IngestLineage a, IngestLineage b)
    {
        var byTopic = string.CompareOrdinal(a.Topic, b.Topic);
        if (byTopic != 0)
        {
            return byTopic;
        }
        var byPartition = a.Partition.CompareTo(b.Partition);
        if (byPartition != 0)
        {
            return byPartition;
        }
        var byFirst = a.FirstOffset.CompareTo(b.FirstOffset);
        return byFirst != 0 ? byFirst : a.LastOffset.CompareTo(b.LastOffset);
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"compaction of {Inputs.Count} blocks of tenant {Tenant} into {Output.BlockId:D} (level {Output.CompactionLevel})");
}
