namespace Tempo.Streaming.Distributor;

/// <summary>Distributor settings (config key <c>distributor</c>). Defaults follow Tempo.</summary>
public sealed record DistributorOptions
{
    /// <summary>Attribute keys and string values longer than this are truncated (Tempo <c>max_attribute_bytes</c>, 0 = off).</summary>
    public int MaxAttributeBytes { get; init; } = 2048;

    /// <summary>A push is split into several log records at trace boundaries above this size (Tempo's default).</summary>
    public int MaxRecordBytes { get; init; } = 15_983_616;

    public static DistributorOptions Default { get; } = new();
}
