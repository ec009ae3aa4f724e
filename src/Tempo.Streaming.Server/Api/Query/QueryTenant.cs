using Microsoft.AspNetCore.Http;
using Tempo.Streaming.Core;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// The tenant of a query, resolved like Tempo's HTTP auth middleware: with <c>multitenancy_enabled: false</c> every
/// request reads tenant <c>single-tenant</c> and the header is ignored; with it on, <c>X-Scope-OrgID</c> is required
/// (missing: 401 <c>no org id</c>, dskit's <c>http.Error</c> body) and must name one valid tenant (else 400 with dskit's
/// validation text). Federated <c>a|b</c> reads are not supported yet and answer 400.
/// </summary>
internal static class QueryTenant
{
    public static string? Resolve(HttpRequest request, bool multitenancyEnabled, out int errorStatus, out string? error)
    {
        errorStatus = 0;
        error = null;
        if (!multitenancyEnabled)
        {
            return Tenants.SingleTenant;
        }

        var values = request.Headers[Tenants.OrgIdHeader];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            errorStatus = StatusCodes.Status401Unauthorized;
            error = Tenants.NoOrgIdMessage + "\n";
            return null;
        }

        var tenant = Tenants.ResolveSingleTenant(values[0], out error);
        if (tenant is null)
        {
            errorStatus = StatusCodes.Status400BadRequest;
        }

        return tenant;
    }
}
