using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Tempo.Streaming.Receivers.Grpc;

namespace Tempo.Streaming.Server.Hosting;

/// <summary>
/// Routing policy that serves an endpoint only on its listener: <c>/v1/traces</c> only on the OTLP HTTP port, the OTLP
/// Export method only on the OTLP gRPC port, Tempo's API only on the HTTP port. Tempo runs separate servers per port;
/// one Kestrel with several listeners gets the same isolation from this DFA node, keyed on the
/// <see cref="ListenerRoleFeature"/> the accepting listener put on the connection (which also works for port 0, where
/// the port is only known after binding). It also keeps gRPC-only endpoints (<see cref="GrpcOnlyMetadata"/>, the
/// UNIMPLEMENTED catch-all) away from non-gRPC requests. It runs before the HTTP-method policy, so a path that exists
/// only on another listener, or only for gRPC, answers 404 rather than 405. Connections without the feature (the
/// in-memory TestServer) count as the Tempo HTTP listener.
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
            if (endpoint.Metadata.GetMetadata<ListenerRoleMetadata>() is not null || endpoint.Metadata.GetMetadata<GrpcOnlyMetadata>() is not null)
            {
                return true;
            }
        }

        return false;
    }

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints)
    {
        var edges = new List<PolicyNodeEdge>(Roles.Length * 2);
        foreach (var role in Roles)
        {
            foreach (var grpc in (ReadOnlySpan<bool>)[false, true])
            {
                var served = new List<Endpoint>();
                foreach (var endpoint in endpoints)
                {
                    var metadata = endpoint.Metadata.GetMetadata<ListenerRoleMetadata>();
                    var grpcOnly = endpoint.Metadata.GetMetadata<GrpcOnlyMetadata>() is not null;
                    if ((metadata is null || metadata.Role == role) && (grpc || !grpcOnly))
                    {
                        served.Add(endpoint);
                    }
                }

                if (served.Count > 0)
                {
                    edges.Add(new PolicyNodeEdge(new RequestKind(role, grpc), served));
                }
            }
        }

        return edges;
    }

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges)
    {
        var destinations = new int[Roles.Length * 2];
        Array.Fill(destinations, exitDestination);
        foreach (var edge in edges)
        {
            destinations[((RequestKind)edge.State).Index] = edge.Destination;
        }

        return new RoleJumpTable(destinations);
    }

    public static ListenerRole RoleOf(HttpContext context) =>
        context.Features.Get<ListenerRoleFeature>()?.Role ?? ListenerRole.TempoHttp;

    private readonly record struct RequestKind(ListenerRole Role, bool Grpc)
    {
        public int Index => ((int)Role * 2) + (Grpc ? 1 : 0);
    }

    private sealed class RoleJumpTable(int[] destinations) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) =>
            destinations[new RequestKind(RoleOf(httpContext), GrpcWire.IsGrpcContentType(httpContext.Request.ContentType)).Index];
    }
}

/// <summary>Endpoint metadata: only gRPC requests (<c>content-type: application/grpc</c>) may reach this endpoint.</summary>
public sealed record GrpcOnlyMetadata;
