namespace Tempo.Streaming.Core;

/// <summary>Tenant conventions shared by every component (ARCHITECTURE.md §1 invariant 4).</summary>
public static class Tenants
{
    /// <summary>The tenant used when multitenancy is disabled, as in Tempo.</summary>
    public const string SingleTenant = "single-tenant";

    /// <summary>The header carrying the tenant ID (HTTP and gRPC metadata; matched case-insensitively).</summary>
    public const string OrgIdHeader = "X-Scope-OrgID";

    /// <summary>Longest accepted tenant ID in bytes (dskit <c>tenant.MaxTenantIDLength</c>).</summary>
    public const int MaxTenantIdLength = 150;

    /// <summary>Separator of several tenant IDs in one org-ID value (dskit: federated queries, <c>a|b</c>).</summary>
    public const char TenantIdsSeparator = '|';

    /// <summary>Tempo's message when a multi-tenant request carries no org ID (dskit <c>user.ErrNoOrgID</c>).</summary>
    public const string NoOrgIdMessage = "no org id";

    /// <summary>dskit <c>user.ErrTooManyOrgIDs</c>: an endpoint that needs exactly one tenant got several.</summary>
    public const string TooManyOrgIdsMessage = "multiple org IDs present";

    /// <summary>
    /// Checks a single tenant ID with dskit's <c>tenant.ValidTenantID</c> rules, which Tempo applies to every push:
    /// only <c>[a-zA-Z0-9!-_.*'()]</c>, at most <see cref="MaxTenantIdLength"/> bytes, and not <c>.</c> or <c>..</c>
    /// (tenant IDs become path segments in the backend). The checks run in dskit's order so the messages match.
    /// </summary>
    /// <returns><c>null</c> when valid, else the reason in dskit's wording.</returns>
    public static string? ValidateTenantId(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        for (var i = 0; i < tenantId.Length; i++)
        {
            if (!IsSupportedTenantIdChar(tenantId[i]))
            {
                return $"tenant ID '{tenantId}' contains unsupported character '{tenantId[i]}'";
            }
        }

        // Every accepted character is ASCII, so the UTF-16 length equals dskit's byte length here.
        if (tenantId.Length > MaxTenantIdLength)
        {
            return $"tenant ID is too long: max {MaxTenantIdLength} characters";
        }

        if (tenantId is "." or "..")
        {
            return "tenant ID is '.' or '..'";
        }

        return null;
    }

    /// <summary>
    /// Resolves the one tenant of a write request from its org-ID value the way dskit's <c>tenant.TenantID</c> does:
    /// a missing or empty value is <see cref="NoOrgIdMessage"/>; <c>a|a</c> is tenant <c>a</c>; <c>a|b</c> is
    /// <see cref="TooManyOrgIdsMessage"/>; every part must pass <see cref="ValidateTenantId"/>.
    /// </summary>
    /// <returns>The tenant, or <c>null</c> with <paramref name="error"/> set.</returns>
    public static string? ResolveSingleTenant(string? orgId, out string? error)
    {
        if (string.IsNullOrEmpty(orgId))
        {
            error = NoOrgIdMessage;
            return null;
        }

        var separator = orgId.IndexOf(TenantIdsSeparator, StringComparison.Ordinal);
        var tenant = separator < 0 ? orgId : orgId[..separator];
        error = ValidateTenantId(tenant);
        if (error is not null)
        {
            return null;
        }

        while (separator >= 0)
        {
            var start = separator + 1;
            separator = orgId.IndexOf(TenantIdsSeparator, start);
            var part = separator < 0 ? orgId.AsSpan(start) : orgId.AsSpan(start, separator - start);
            if (!part.SequenceEqual(tenant))
            {
                error = TooManyOrgIdsMessage;
                return null;
            }
        }

        return tenant;
    }

    /// <summary>
    /// Resolves the tenants of a query the way dskit's <c>tenant.TenantIDs</c> does for Tempo's multi-tenant queries:
    /// <c>a|b</c> names both; every part must pass <see cref="ValidateTenantId"/>; the result is sorted and distinct.
    /// </summary>
    /// <returns>The tenants, or <c>null</c> with <paramref name="error"/> set.</returns>
    public static IReadOnlyList<string>? ResolveTenants(string? orgId, out string? error)
    {
        if (string.IsNullOrEmpty(orgId))
        {
            error = NoOrgIdMessage;
            return null;
        }

        var tenants = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var part in orgId.Split(TenantIdsSeparator))
        {
            error = part.Length == 0 ? NoOrgIdMessage : ValidateTenantId(part);
            if (error is not null)
            {
                return null;
            }

            tenants.Add(part);
        }

        error = null;
        return [.. tenants];
    }

    private static bool IsSupportedTenantIdChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '-' or '_' or '.' or '*' or '\'' or '(' or ')';
}
