using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tempo.Streaming.Blocks.Meta;

/// <summary>
/// Deterministic block IDs. A block cut from ingest-log records gets the same ID however often it is rebuilt (after a
/// crash, or by another replica), so a re-upload overwrites the same objects instead of duplicating the block.
/// </summary>
public static class BlockId
{
    /// <summary>
    /// The RFC 4122 name-space of this project's block IDs (a random v4 UUID chosen once; never change it, or rebuilt
    /// blocks would get new IDs and duplicate old ones).
    /// </summary>
    public static readonly Guid LineageNamespace = new("75accd03-a09c-40f5-ad80-dc20f620d370");

    /// <summary>
    /// The UUIDv5 of <c>"tempo-block\n{tenant}\n{topic}\n{partition}\n{firstOffset}\n{lastOffset}"</c> in
    /// <see cref="LineageNamespace"/>. '\n' cannot occur in tenant IDs or Kafka topic names, so distinct lineages
    /// give distinct names.
    /// </summary>
    public static Guid FromLineage(string tenant, string topic, int partition, long firstOffset, long lastOffset)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var name = string.Create(CultureInfo.InvariantCulture,
            $"tempo-block\n{tenant}\n{topic}\n{partition}\n{firstOffset}\n{lastOffset}");
        return NameBased(LineageNamespace, Encoding.UTF8.GetBytes(name));
    }

    /// <summary>RFC 4122 §4.3 name-based UUID, version 5 (SHA-1): hash of the name-space ID (network order) and the name.</summary>
    public static Guid NameBased(Guid nameSpace, ReadOnlySpan<byte> name)
    {
        var input = new byte[16 + name.Length];
        nameSpace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input.AsSpan(16));

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
