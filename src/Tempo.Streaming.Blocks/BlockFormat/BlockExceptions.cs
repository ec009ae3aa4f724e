namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>
/// A block that cannot be read as it should: a truncated or corrupt <c>data.parquet</c>, a bad footer, an unknown
/// codec or encoding, a bloom filter or index that does not parse, a meta.json that does not match the data. The
/// message names the tenant, the block and the problem; the block's caller (a query over many blocks) can skip it
/// and report it without failing the others.
/// </summary>
public sealed class BlockCorruptException : Exception
{
    public BlockCorruptException(string tenant, Guid blockId, string problem)
        : base(Describe(tenant, blockId, problem))
    {
        Tenant = tenant;
        BlockId = blockId;
    }

    public BlockCorruptException(string tenant, Guid blockId, string problem, Exception inner)
        : base(Describe(tenant, blockId, problem) + ": " + inner.Message, inner)
    {
        Tenant = tenant;
        BlockId = blockId;
    }

    public string Tenant { get; }
    public Guid BlockId { get; }

    private static string Describe(string tenant, Guid blockId, string problem) => $"block {tenant}/{blockId:D} is corrupt: {problem}";
}

/// <summary>No meta.json for the block: it does not exist (or is still being written — meta.json comes last).</summary>
public sealed class BlockNotFoundException : Exception
{
    public BlockNotFoundException(string tenant, Guid blockId, string backend, Exception inner)
        : base($"block {tenant}/{blockId:D} does not exist in {backend} (no meta.json)", inner)
    {
        Tenant = tenant;
        BlockId = blockId;
    }

    public string Tenant { get; }
    public Guid BlockId { get; }
}
