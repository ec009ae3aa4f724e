using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Tempo.Streaming.Server.Hosting;

/// <summary>
/// Routing policy that serves an endpoint only on its listener: <c>/v1/traces</c> only on the OTLP HTTP port, the OTLP
/// Export method only on the OTLP gRPC port, Tempo's API only on the HTTP port. Tempo runs separate servers per
/// port; one Kestrel with several listeners gets the same isolation from this DFA node, keyed on the
/// <see cref="ListenerRoleFeature"/> the accepting listener put on the connection (which also works for port 0, where
/// the port is only known after binding). It runs before the HTTP-method policy, so a path that exists only on
/// another listener answers 404, not 405. Connections without the feature (the in-memory TestServer) count as the
/// Tempo HTTP listener.
/// </summary>
internal sealed class ListenerMatcherPolicy : MatcherPolicy, INodeBuilderPolicy
{
    private static readonly ListenerRole[] Roles = Enum.GetValues<ListenerRole>();

    // HttpMethodMatcherPolicy runs at -1000; lower runs first.
    public override int Order => -2000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<ListenerRoleMetadata>() is not null)
            {
                return true;
            }
        }

        return false;
    }

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints)
    {
        var edges = new List<PolicyNodeEdge>(Roles.Length);
        foreach (var role in Roles)
        {
            var served = new List<Endpoint>();
            foreach (var endpoint in endpoints)
            {
                var metadata = endpoint.Metadata.GetMetadata<ListenerRoleMetadata>();
                if (metadata is null || metadata.Role == role)
                {
                    served.Add(endpoint);
                }
            }

            if (served.Count > 0)
            {
                edges.Add(new PolicyNodeEdge(role, served));
            }
        }

        return edges;
    }

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges)
    {
        var destinations = new int[Roles.Length];
        Array.Fill(destinations, exitDestination);
        foreach (var edge in edges)
        {
            destinations[(int)(ListenerRole)edge.State] = edge.Destination;
        }

        return new RoleJumpTable(destinations);
    }

    public static ListenerRole RoleOf(HttpContext context) =>
        context.Features.Get<ListenerRoleFeature>()?.Role ?? ListenerRole.TempoHttp;

    private sealed class RoleJumpTable(int[] destinations) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) => destinations[(int)RoleOf(httpContext)];
    }
}
