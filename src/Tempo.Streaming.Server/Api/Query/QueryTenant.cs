using Microsoft.AspNetCore.Http;
using Tempo.Streaming.Core;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// The tenants of a query, resolved like Tempo's HTTP auth middleware: with <c>multitenancy_enabled: false</c> every
/// request reads tenant <c>single-tenant</c> and the header is ignored; with it on, <c>X-Scope-OrgID</c> is required
/// (missing: 401 <c>no org id</c>, dskit's <c>http.Error</c> body) and may name several tenants as <c>a|b</c>, whose
/// results are merged — Tempo's multi-tenant queries, on by default (<c>multi_tenant_queries_enabled</c>); an invalid
/// part is a 400 with dskit's validation text.
/// </summary>
internal static class QueryTenant
{
    private static readonly IReadOnlyList<string> SingleTenant = [Tenants.SingleTenant];

    public static IReadOnlyList<string>? Resolve(HttpRequest request, bool multitenancyEnabled, out int errorStatus, out string? error)
    {
        errorStatus = 0;
        error = null;
        if (!multitenancyEnabled)
        {
            return SingleTenant;
        }

        var values = request.Headers[Tenants.OrgIdHeader];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            errorStatus = StatusCodes.Status401Unauthorized;
            error = Tenants.NoOrgIdMessage + "\n";
            return null;
        }

        var tenants = Tenants.ResolveTenants(values[0], out error);
        if (tenants is null)
        {
            errorStatus = StatusCodes.Status400BadRequest;
        }

        return tenants;
    }
}
