using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Tempo.Streaming.Receivers.Grpc;

/// <summary>Marks an endpoint as the gRPC method <c>/{Service}/{Method}</c>, so the fallback can tell unknown methods
/// of a served service from unknown services.</summary>
public sealed record GrpcMethodMetadata(string Service, string Method);

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the gRPC method <c>POST /{service}/{method}</c> (service fully qualified, e.g.
    /// <c>tempopb.StreamingQuerier</c>) with <see cref="GrpcWire.Handler"/> around <paramref name="body"/>.
    /// For server streaming, call <see cref="GrpcWire.WriteMessageAsync"/> once per message.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcMethod(
        this IEndpointRouteBuilder endpoints, string service, string method, Func<HttpContext, Task> body)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        return endpoints.MapPost($"/{service}/{method}", GrpcWire.Handler(body))
            .WithMetadata(new GrpcMethodMetadata(service, method))
            .WithDisplayName($"gRPC {service}/{method}");
    }

    /// <summary>
    /// Answers every <c>application/grpc</c> POST that no other endpoint takes with HTTP 200 and
    /// <c>grpc-status: 12</c> (UNIMPLEMENTED), worded as grpc-go words it: <c>unknown service X</c>, or
    /// <c>unknown method Y for service X</c> when X has other methods mapped with <see cref="MapGrpcMethod"/>, or
    /// <c>malformed method name</c>. Non-gRPC requests never match it, so the host's 404s are unaffected.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcUnimplementedFallback(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // A catch-all has the lowest route precedence, and the parameter policy makes the route match only gRPC
        // requests: route constraints see the HttpContext during endpoint selection.
        var pattern = RoutePatternFactory.Parse(
            "/{**grpcMethod}",
            defaults: null,
            parameterPolicies: new RouteValueDictionary { ["grpcMethod"] = new GrpcRequestConstraint() });
        return endpoints
            .Map(pattern, GrpcWire.Handler(context => throw Unimplemented(endpoints, context.Request.Path.Value ?? "")))
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]))
            .WithDisplayName("gRPC unimplemented fallback");
    }

    private static GrpcException Unimplemented(IEndpointRouteBuilder endpoints, string path)
    {
        var name = path.StartsWith('/') ? path[1..] : path;
        var slash = name.LastIndexOf('/');
        if (slash < 0)
        {
            return new GrpcException(GrpcStatus.Unimplemented, $"malformed method name: \"{path}\"");
        }

        var service = name[..slash];
        var method = name[(slash + 1)..];
        return IsServed(endpoints, service)
            ? new GrpcException(GrpcStatus.Unimplemented, $"unknown method {method} for service {service}")
            : new GrpcException(GrpcStatus.Unimplemented, $"unknown service {service}");
    }

    // Only on the error path: scanning the endpoints of this route builder is cheap enough there and always current.
    private static bool IsServed(IEndpointRouteBuilder endpoints, string service)
    {
        foreach (var dataSource in endpoints.DataSources)
        {
            foreach (var endpoint in dataSource.Endpoints)
            {
                if (endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc
                    && string.Equals(grpc.Service, service, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private sealed class GrpcRequestConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            routeDirection == RouteDirection.IncomingRequest
            && httpContext is not null
            && GrpcWire.IsGrpcContentType(httpContext.Request.ContentType);
    }
}
