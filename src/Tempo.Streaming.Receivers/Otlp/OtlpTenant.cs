using Microsoft.AspNetCore.Http;
using Tempo.Streaming.Core;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>Why a request has no usable tenant.</summary>
internal enum TenantError
{
    None,

    /// <summary>No org ID at all: HTTP 401 / UNAUTHENTICATED.</summary>
    Missing,

    /// <summary>An org ID that fails dskit's rules or names several tenants: HTTP 400 / INVALID_ARGUMENT.</summary>
    Invalid,
}

internal static class OtlpTenant
{
    /// <summary>
    /// The tenant of a push. With multitenancy off every push belongs to <see cref="Tenants.SingleTenant"/> and the
    /// header is ignored, as in Tempo. With it on, <c>X-Scope-OrgID</c> (gRPC metadata arrives as the same HTTP/2
    /// header) must hold exactly one value (dskit's gRPC extraction refuses repeated metadata as "no org id"), which
    /// is then resolved like dskit <c>tenant.TenantID</c>.
    /// </summary>
    public static string? Resolve(HttpRequest request, OtlpReceiverOptions options, out TenantError error, out string? message)
    {
        error = TenantError.None;
        message = null;
        if (!options.MultitenancyEnabled)
        {
            return Tenants.SingleTenant;
        }

        var values = request.Headers[Tenants.OrgIdHeader];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            error = TenantError.Missing;
            message = Tenants.NoOrgIdMessage;
            return null;
        }

        var tenant = Tenants.ResolveSingleTenant(values[0], out message);
        if (tenant is null)
        {
            error = TenantError.Invalid;
        }

        return tenant;
    }
}
