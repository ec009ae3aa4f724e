using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load.Workload;

internal sealed partial class ShopCatalog
{
    // OTLP Span.SpanKind values (trace.proto).
    private const int KindInternal = 1;
    private const int KindServer = 2;
    private const int KindClient = 3;
    private const int KindProducer = 4;
    private const int KindConsumer = 5;

    // W3C trace flags "sampled" | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK (0x100), plus IS_REMOTE (0x200) when the
    // parent came over the wire — what current SDKs put in Span.flags (trace.proto, SpanFlags).
    private const uint LocalParentFlags = 0x101;
    private const uint RemoteParentFlags = 0x301;

    /// <summary>Collects templates and assigns their indices.</summary>
    private sealed class TemplateBuilder
    {
        public List<SpanTemplate> Templates { get; } = [];

        public SpanTemplate Add(
            ShopService service,
            ShopScope scope,
            int kind,
            string name,
            byte[][] attributes,
            DynamicAttributes dynamic,
            string errorMessage,
            string exceptionType,
            double weight,
            bool expandable = false,
            int successHttpStatus = 200)
        {
            using var nameAndKind = new ProtoBufferWriter(256);
            nameAndKind.WriteBytesField(0x2A, ProtoFragments.Utf8(name));
            nameAndKind.WriteVarintField(0x30, (ulong)kind);

            using var status = new ProtoBufferWriter(256);
            var statusMarker = status.BeginLengthDelimited(0x7A, 1);
            status.WriteBytesField(0x12, ProtoFragments.Utf8(errorMessage));
            status.WriteVarintField(0x18, 2); // STATUS_CODE_ERROR
            status.EndLengthDelimited(statusMarker);

            // Event{1 time_unix_nano (written per span), 2 name, 3 attributes} with the exception.* attributes
            // of the OTel semantic conventions for exceptions.
            var eventTail = ProtoFragments.Concat(
                ProtoFragments.StringField(0x12, "exception"),
                EventStringAttr("exception.type", exceptionType),
                EventStringAttr("exception.message", errorMessage),
                EventStringAttr("exception.stacktrace", StackTrace(service, name, exceptionType, errorMessage)),
                EventStringAttr("exception.escaped", "false"));

            var template = new SpanTemplate
            {
                Index = Templates.Count,
                Service = service,
                Scope = scope,
                Kind = kind,
                Name = name,
                NameAndKind = nameAndKind.WrittenSpan.ToArray(),
                StaticAttributes = ProtoFragments.Concat(attributes),
                Dynamic = dynamic,
                ErrorStatus = status.WrittenSpan.ToArray(),
                ExceptionEventTail = eventTail,
                Weight = weight,
                Expandable = expandable,
                SuccessHttpStatus = successHttpStatus,
                Flags = kind is KindServer or KindConsumer ? RemoteParentFlags : LocalParentFlags,
            };
            Templates.Add(template);
            return template;
        }

        /// <summary>A gRPC call: the caller's CLIENT span and the callee's SERVER span (OTel RPC conventions).</summary>
        public Call Rpc(ShopService caller, ShopService callee, string grpcService, string method, double weight,
            DynamicAttributes serverDynamic, string errorMessage, string exceptionType, double cost = 1.0)
        {
            var fullService = $"shop.{NameOf(callee)}.{grpcService}";
            var name = $"{fullService}/{method}";
            var host = $"{NameOf(callee)}.shop.svc.cluster.local";
            var server = Add(callee, ShopScope.Rpc, KindServer, name,
                [
                    StringAttr("rpc.system", "grpc"),
                    StringAttr("rpc.service", fullService),
                    StringAttr("rpc.method", method),
                    StringAttr("server.address", host),
                    IntAttr("server.port", 8080),
                    StringAttr("network.peer.address", $"10.42.{(int)caller + 1}.{17 + (int)callee}"),
                    StringAttr("network.transport", "tcp"),
                    StringAttr("network.type", "ipv4"),
                    StringAttr("network.protocol.name", "http"),
                    StringAttr("network.protocol.version", "2"),
                ],
                DynamicAttributes.GrpcStatus | serverDynamic, errorMessage, exceptionType, cost, expandable: true);
            var client = Add(caller, ShopScope.Rpc, KindClient, name,
                [
                    StringAttr("rpc.system", "grpc"),
                    StringAttr("rpc.service", fullService),
                    StringAttr("rpc.method", method),
                    StringAttr("server.address", host),
                    IntAttr("server.port", 8080),
                    StringAttr("net.peer.name", NameOf(callee)),
                    StringAttr("network.type", "ipv4"),
                    StringAttr("network.protocol.name", "http"),
                    StringAttr("network.protocol.version", "2"),
                ],
                DynamicAttributes.GrpcStatus, $"rpc error: code = Unavailable desc = {errorMessage}",
                exceptionType, cost);
            client.ServerTemplate = server.Index;
            return new Call(client.Index, weight, IsPair: true);
        }

        /// <summary>
        /// A PostgreSQL query: the caller's database CLIENT span (OTel database conventions) and postgres's own
        /// SERVER span for the statement.
        /// </summary>
        public Call Query(ShopService caller, string operation, string table, string statement, double weight, double cost,
            string user)
        {
            var client = Add(caller, ShopScope.Database, KindClient, $"{operation} shop.{table}",
                [
                    StringAttr("db.system", "postgresql"),
                    StringAttr("db.name", "shop"),
                    StringAttr("db.user", user),
                    StringAttr("db.operation", operation),
                    StringAttr("db.sql.table", table),
                    StringAttr("db.statement", statement),
                    StringAttr("server.address", "postgres.shop.svc.cluster.local"),
                    StringAttr("net.peer.name", "postgres"),
                    IntAttr("server.port", 5432),
                    StringAttr("network.peer.address", "10.42.9.5"),
                    IntAttr("network.peer.port", 5432),
                ],
                operation == "SELECT" ? DynamicAttributes.ReturnedRows : DynamicAttributes.None,
                "canceling statement due to statement timeout", PostgresExceptionType(caller), cost);
            var server = Add(ShopService.Postgres, ShopScope.Database, KindServer, $"{operation} {table}",
                [
                    StringAttr("db.system", "postgresql"),
                    StringAttr("db.name", "shop"),
                    StringAttr("db.user", user),
                    StringAttr("db.statement", statement),
                    StringAttr("client.address", $"10.42.{(int)caller + 1}.{40 + (int)caller}"),
                ],
                DynamicAttributes.BackendPid, "canceling statement due to statement timeout",
                "QueryCanceled", cost);
            client.ServerTemplate = server.Index;
            return new Call(client.Index, weight, IsPair: true);
        }

        /// <summary>Work inside the service (a manual span with the code.* attributes).</summary>
        public Call Internal(ShopService service, string name, string function, string file, int line, double weight, double cost)
        {
            var template = Add(service, ShopScope.Application, KindInternal, name,
                [
                    StringAttr("code.function", function),
                    StringAttr("code.namespace", $"shop.{NameOf(service)}"),
                    StringAttr("code.filepath", file),
                    IntAttr("code.lineno", line),
                    StringAttr("thread.name", $"{NameOf(service)}-worker-{line % 8}"),
                    IntAttr("thread.id", 20 + (line % 8)),
                ],
                DynamicAttributes.None, $"{name} failed: invariant violated", "InvalidOperationException", cost);
            return new Call(template.Index, weight, IsPair: false);
        }

        /// <summary>An HTTPS call to a third-party API (no server span: that side is not ours).</summary>
        public Call ExternalHttp(ShopService service, string method, string url, string host, double weight, double cost)
        {
            var template = Add(service, ShopScope.Rpc, KindClient, method,
                [
                    StringAttr("http.request.method", method),
                    StringAttr("url.full", url),
                    StringAttr("server.address", host),
                    IntAttr("server.port", 443),
                    StringAttr("network.protocol.version", "1.1"),
                    StringAttr("net.peer.name", host),
                ],
                DynamicAttributes.HttpStatus, $"upstream {host} returned 502 Bad Gateway", "HttpRequestError", cost);
            return new Call(template.Index, weight, IsPair: false);
        }

        /// <summary>A Redis cache lookup (a single database client span).</summary>
        public Call Cache(ShopService service, string command, string statement, double weight)
        {
            var template = Add(service, ShopScope.Database, KindClient, command,
                [
                    StringAttr("db.system", "redis"),
                    StringAttr("db.operation", command),
                    StringAttr("db.statement", statement),
                    StringAttr("server.address", "redis.shop.svc.cluster.local"),
                    IntAttr("server.port", 6379),
                    StringAttr("net.peer.name", "redis"),
                ],
                DynamicAttributes.None, "READONLY You can't write against a read only replica.", "RedisError", 0.1);
            return new Call(template.Index, weight, IsPair: false);
        }

        private static string PostgresExceptionType(ShopService caller) => LanguageOf(caller) switch
        {
            "dotnet" => "Npgsql.PostgresException",
            "go" => "*pgconn.PgError",
            "java" => "org.postgresql.util.PSQLException",
            "python" => "psycopg.errors.QueryCanceled",
            _ => "DatabaseError",
        };
    }

    /// <summary>A stack trace in the style of the service's language, as its SDK would record it.</summary>
    private static string StackTrace(ShopService service, string operation, string type, string message)
    {
        var svc = NameOf(service);
        return LanguageOf(service) switch
        {
            "dotnet" =>
                $"{type}: {message}\n   at Shop.{Pascal(svc)}.Services.{Pascal(svc)}Service.HandleAsync(Request request) in " +
                $"/src/{Pascal(svc)}/Services/{Pascal(svc)}Service.cs:line 142\n   at Shop.{Pascal(svc)}.Grpc.Endpoint.InvokeAsync(ServerCallContext ctx) " +
                $"in /src/{Pascal(svc)}/Grpc/Endpoint.cs:line 57\n   at Grpc.AspNetCore.Server.Internal.CallHandlers.UnaryServerCallHandler`3.HandleCallAsyncCore(HttpContext httpContext)",
            "go" =>
                $"goroutine 1184 [running]:\nshop/{svc}/internal/service.(*Server).Handle(0xc0001a2000, {{0x1a2b3c0, 0xc000512000}})\n" +
                $"\t/app/internal/service/server.go:211 +0x3c5\nshop/{svc}/internal/grpc.(*handler).{operation.Replace(' ', '_')}(...)\n" +
                "\t/app/internal/grpc/handler.go:88 +0x1a4\ngoogle.golang.org/grpc.(*Server).processUnaryRPC(0xc000220000, {0x1a2b3c0, 0xc0003de000})\n" +
                "\t/go/pkg/mod/google.golang.org/grpc@v1.64.0/server.go:1379 +0xdf8",
            "java" =>
                $"{type}: {message}\n\tat shop.{svc}.service.{Pascal(svc)}Service.handle({Pascal(svc)}Service.java:118)\n" +
                $"\tat shop.{svc}.grpc.{Pascal(svc)}GrpcEndpoint.invoke({Pascal(svc)}GrpcEndpoint.java:64)\n" +
                "\tat io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose(ServerCalls.java:182)\n" +
                "\tat io.grpc.internal.ServerImpl$JumpToApplicationThreadServerStreamListener$1HalfClosed.runInContext(ServerImpl.java:356)",
            "python" =>
                "Traceback (most recent call last):\n" +
                $"  File \"/app/{svc}/service.py\", line 97, in handle\n    result = self._backend.call(request)\n" +
                $"  File \"/app/{svc}/backend.py\", line 41, in call\n    raise {type}(msg)\n{type}: {message}",
            "cpp" => $"ERROR:  {message}\nSTATEMENT:  {operation}",
            _ =>
                $"{type}: {message}\n    at {Pascal(svc)}Handler.handle (/usr/src/app/{svc}/handler.js:73:19)\n" +
                $"    at async /usr/src/app/{svc}/router.js:41:7\n    at async Server.<anonymous> (/usr/src/app/server.js:112:5)",
        };
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
