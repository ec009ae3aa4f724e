namespace Tempo.Streaming.Core;

/// <summary>Tenant conventions shared by every component (ARCHITECTURE.md §1 invariant 4).</summary>
public static class Tenants
{
    /// <summary>The tenant used when multitenancy is disabled, as in Tempo.</summary>
    public const string SingleTenant = "single-tenant";

    /// <summary>The header carrying the tenant ID (HTTP and gRPC metadata; matched case-insensitively).</summary>
    public const string OrgIdHeader = "X-Scope-OrgID";
}
