using System.Globalization;
using Tempo.Streaming.Core;

namespace Tempo.Streaming.Blocks.Meta;

/// <summary>
/// Object keys of Tempo's backend layout (tempodb/backend: <c>&lt;tenant&gt;/&lt;blockID&gt;/&lt;name&gt;</c>, and
/// <c>&lt;tenant&gt;/index.json.gz</c> for the tenant index), so Tempo and this project can share a bucket.
/// </summary>
public static class BlockPaths
{
    public const string MetaName = "meta.json";
    public const string CompactedMetaName = "meta.compacted.json";
    public const string DataName = "data.parquet";
    public const string IndexName = "index";
    public const string BloomPrefix = "bloom-";
    public const string TenantIndexName = "index.json.gz";

    public static string Meta(string tenant, Guid blockId) => BlockObject(tenant, blockId, MetaName);

    public static string CompactedMeta(string tenant, Guid blockId) => BlockObject(tenant, blockId, CompactedMetaName);

    public static string Data(string tenant, Guid blockId) => BlockObject(tenant, blockId, DataName);

    public static string Index(string tenant, Guid blockId) => BlockObject(tenant, blockId, IndexName);

    public static string Bloom(string tenant, Guid blockId, int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        return BlockObject(tenant, blockId, BloomPrefix + shard.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The block's folder with a trailing '/': the prefix to list or delete a whole block.</summary>
    public static string BlockFolder(string tenant, Guid blockId) => TenantFolder(tenant) + blockId.ToString("D") + "/";

    /// <summary>The tenant's folder with a trailing '/'.</summary>
    public static string TenantFolder(string tenant)
    {
        ValidateTenant(tenant);
        return tenant + "/";
    }

    public static string TenantIndex(string tenant) => TenantFolder(tenant) + TenantIndexName;

    /// <summary>
    /// Throws unless <paramref name="tenant"/> is usable as one path segment: Tempo's tenant-ID rules
    /// (<see cref="Tenants.ValidateTenantId"/>) already exclude '/', '\' and "."/"..".
    /// </summary>
    public static void ValidateTenant(string tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (tenant.Length == 0)
        {
            throw new ArgumentException("tenant ID is empty; it names the tenant's folder in the backend", nameof(tenant));
        }

        var problem = Tenants.ValidateTenantId(tenant);
        if (problem is not null)
        {
            throw new ArgumentException($"{problem}; tenant IDs name folders in the backend", nameof(tenant));
        }
    }

    private static string BlockObject(string tenant, Guid blockId, string name) => BlockFolder(tenant, blockId) + name;
}
