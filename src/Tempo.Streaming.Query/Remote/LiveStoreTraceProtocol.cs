using System.Globalization;
using System.Text;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Remote;

/// <summary>
/// The internal HTTP call between a querier and a live store (ARCHITECTURE.md §7, recent data by partition):
/// <c>GET http://{address}/live-store/api/traces/{hex}?start=&amp;end=</c> with <c>X-Scope-OrgID</c>. 200 with an
/// <c>application/protobuf</c> body (the stored fragments concatenated, which parses as one <c>tempopb.Trace</c>) and
/// <c>X-Tempo-Inspected-Bytes</c>; 404 when the live store does not hold the trace. The server side is the host's
/// live-store trace route; both sides use these names.
/// </summary>
public static class LiveStoreTraceProtocol
{
    public const string PathPrefix = "/live-store/api/traces/";

    public const string InspectedBytesHeader = "X-Tempo-Inspected-Bytes";

    /// <summary>The request URI for a trace on the live store at <paramref name="httpAddress"/> (<c>host:port</c>).</summary>
    public static Uri RequestUri(string httpAddress, ReadOnlySpan<byte> traceId, QueryWindow window)
    {
        var uri = new StringBuilder(96).Append("http://").Append(httpAddress).Append(PathPrefix).Append(Convert.ToHexStringLower(traceId));
        // Tempo's trace-by-ID reads 0 / absent bounds as "open"; send only the bounds the lookup has.
        var separator = '?';
        if (!window.IsAll && window.StartUnixSeconds > 0)
        {
            uri.Append(separator).Append("start=").Append(window.StartUnixSeconds.ToString(CultureInfo.InvariantCulture));
            separator = '&';
        }

        if (!window.IsAll && window.EndUnixSeconds != long.MaxValue)
        {
            uri.Append(separator).Append("end=").Append(window.EndUnixSeconds.ToString(CultureInfo.InvariantCulture));
        }

        return new Uri(uri.ToString());
    }

    /// <summary>The tenant header the request carries.</summary>
    public const string TenantHeader = Tenants.OrgIdHeader;
}
