namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// A partition's state in the partition ring, with dskit's names and numbers (Tempo's partition ring,
/// ARCHITECTURE.md §4). Distributors write only to ACTIVE partitions; queriers read ACTIVE and INACTIVE ones.
/// </summary>
public enum PartitionState
{
    Unknown = 0,

    /// <summary>Created, waiting for <c>min_partition_owners_count</c> owners held for <c>min_partition_owners_duration</c>.</summary>
    Pending = 1,

    /// <summary>Receives writes and is queried.</summary>
    Active = 2,

    /// <summary>Read-only: no new writes (downscale in preparation), still queried.</summary>
    Inactive = 3,

    Deleted = 4,
}

/// <summary>An owner entry's state (dskit <c>OwnerState</c>).</summary>
public enum OwnerState
{
    Unknown = 0,
    Active = 1,
    Deleted = 2,
}

public static class PartitionStateNames
{
    /// <summary>dskit's text for a state (<c>PartitionActive</c>, ...), as the downscale endpoints and ring page print it.</summary>
    public static string Name(this PartitionState state) => state switch
    {
        PartitionState.Pending => "PartitionPending",
        PartitionState.Active => "PartitionActive",
        PartitionState.Inactive => "PartitionInactive",
        PartitionState.Deleted => "PartitionDeleted",
        _ => "PartitionUnknown",
    };

    /// <summary>dskit's text for an owner state (<c>OwnerActive</c>, ...).</summary>
    public static string Name(this OwnerState state) => state switch
    {
        OwnerState.Active => "OwnerActive",
        OwnerState.Deleted => "OwnerDeleted",
        _ => "OwnerUnknown",
    };
}
