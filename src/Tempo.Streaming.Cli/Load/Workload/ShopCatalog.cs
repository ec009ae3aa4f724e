using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>
/// The static side of the shop workload: services and their pods (resources), instrumentation scopes, span
/// templates, the call graph and the routes users hit. Everything is pre-encoded once so that encoding a span is
/// mostly memory copies. The catalog is immutable and shared by all encoders.
/// </summary>
internal sealed partial class ShopCatalog
{
    public const int ServiceCount = 8;
    public const int PodsPerService = 3;
    public const int ScopeCount = 4;
    public const int ResourceCount = ServiceCount * PodsPerService;
    public const int GroupCount = ResourceCount * ScopeCount;

    /// <summary>OTLP Span field 9 (attributes) tag.</summary>
    internal const byte SpanAttributeTag = 0x4A;
    /// <summary>OTLP Resource field 1 (attributes) tag.</summary>
    private const byte ResourceAttributeTag = 0x0A;
    /// <summary>OTLP Span.Event field 3 (attributes) tag.</summary>
    private const byte EventAttributeTag = 0x1A;
    /// <summary>OTLP Span.Link field 4 (attributes) tag.</summary>
    private const byte LinkAttributeTag = 0x22;

    /// <summary>The catalog, built on first use (after this class's static tables, which it reads).</summary>
    public static ShopCatalog Instance => Holder.Catalog;

    private static class Holder
    {
        public static readonly ShopCatalog Catalog = new();
    }

    private static readonly string[] ServiceNames =
        ["frontend", "cart", "checkout", "payment", "shipping", "catalog", "auth", "postgres"];

    private static readonly string[] ServiceVersions = ["2.14.3", "1.9.0", "3.2.1", "1.4.7", "0.18.2", "2.0.5", "5.1.0", "16.4"];

    private static readonly string[] SdkLanguages = ["nodejs", "dotnet", "go", "nodejs", "python", "go", "java", "cpp"];

    private static readonly string[] SdkVersions = ["1.26.0", "1.9.0", "1.28.0", "1.26.0", "1.27.0", "1.28.0", "1.40.0", "1.16.0"];

    /// <summary>ResourceSpans field 1 (the Resource), per (service, pod).</summary>
    public byte[][] ResourceFragments { get; }

    /// <summary>ScopeSpans field 1 (the InstrumentationScope), per (service, scope).</summary>
    public byte[][] ScopeFragments { get; }

    /// <summary>ResourceSpans field 3 (schema_url), as the OTel SDKs send it.</summary>
    public byte[] ResourceSchemaUrl { get; } = ProtoFragments.StringField(0x1A, "https://opentelemetry.io/schemas/1.26.0");

    public SpanTemplate[] Templates { get; }

    public Route[] Routes { get; }

    /// <summary>Calls each service makes while handling a request, indexed by service.</summary>
    public Call[][] CallTables { get; }

    /// <summary>For each service, a single-span call used when only one span of budget is left.</summary>
    public Call[] LeafCalls { get; }

    /// <summary>Complete <c>user_agent.original</c> attributes; a trace picks one.</summary>
    public byte[][] UserAgents { get; }

    /// <summary>Attributes of the link some root spans carry to the previous request of the session.</summary>
    public byte[] SessionLinkAttributes { get; }

    /// <summary>Attributes of the link a Kafka consumer span carries to the batch it came from.</summary>
    public byte[] ConsumerLinkAttributes { get; }

    public DynamicKeys Keys { get; } = new();

    /// <summary>An upper bound on one encoded span, reserved in the writer before each span.</summary>
    public int MaxSpanBytes { get; }

    private ShopCatalog()
    {
        ResourceFragments = new byte[ResourceCount][];
        for (var service = 0; service < ServiceCount; service++)
        {
            for (var pod = 0; pod < PodsPerService; pod++)
            {
                ResourceFragments[(service * PodsPerService) + pod] = BuildResource(service, pod);
            }
        }

        ScopeFragments = new byte[ServiceCount * ScopeCount][];
        for (var service = 0; service < ServiceCount; service++)
        {
            for (var scope = 0; scope < ScopeCount; scope++)
            {
                ScopeFragments[(service * ScopeCount) + scope] = BuildScope(service, (ShopScope)scope);
            }
        }

        UserAgents =
        [
            StringAttr("user_agent.original",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"),
            StringAttr("user_agent.original",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"),
            StringAttr("user_agent.original",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"),
            StringAttr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"),
            StringAttr("user_agent.original", "shop-android/4.12.0 (Pixel 8; Android 14) okhttp/4.12.0"),
            StringAttr("user_agent.original", "shop-ios/4.12.1 (iPhone15,3; iOS 17.5.1) CFNetwork/1496.0.7 Darwin/23.5.0"),
        ];

        SessionLinkAttributes = ProtoFragments.StringAttribute(LinkAttributeTag, "shop.link.reason", "session.previous_request");
        ConsumerLinkAttributes = ProtoFragments.Concat(
            ProtoFragments.StringAttribute(LinkAttributeTag, "messaging.operation.type", "process"),
            ProtoFragments.StringAttribute(LinkAttributeTag, "shop.link.reason", "batch.previous_order"));

        var builder = new TemplateBuilder();
        (Routes, CallTables, LeafCalls) = BuildOperations(builder);
        Templates = builder.Templates.ToArray();

        var largestTemplate = 0;
        foreach (var template in Templates)
        {
            largestTemplate = Math.Max(largestTemplate, template.NameAndKind.Length + template.StaticAttributes.Length
                + template.ErrorStatus.Length + template.ExceptionEventTail.Length);
        }
        var largestUserAgent = 0;
        foreach (var userAgent in UserAgents)
        {
            largestUserAgent = Math.Max(largestUserAgent, userAgent.Length);
        }
        // IDs, times, flags, a link and the per-span attributes (each well under 64 bytes) fit in 1 KiB.
        MaxSpanBytes = largestTemplate + largestUserAgent + ConsumerLinkAttributes.Length + 1024;
    }

    private static byte[] BuildResource(int service, int pod)
    {
        var name = ServiceNames[service];
        var podName = service == (int)ShopService.Postgres
            ? $"postgres-{pod}"
            : $"{name}-{PodSuffix(service, pod)}";
        var instanceId = new Guid((int)WorkloadRandom.Hash(7, (ulong)service, (ulong)pod), 0x5a17, 0x4c1e,
            [0x9e, 0x51, (byte)service, (byte)pod, 0x0f, 0x2b, 0x77, 0x31]).ToString();
        var attributes = ProtoFragments.Concat(
            ProtoFragments.StringAttribute(ResourceAttributeTag, "service.name", name),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "service.namespace", "shop"),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "service.version", ServiceVersions[service]),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "service.instance.id", instanceId),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "host.name", podName),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "k8s.namespace.name", "shop"),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "k8s.pod.name", podName),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "k8s.node.name", $"node-pool-a-{(service + pod) % 5}"),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "deployment.environment", "production"),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "telemetry.sdk.name", "opentelemetry"),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "telemetry.sdk.language", SdkLanguages[service]),
            ProtoFragments.StringAttribute(ResourceAttributeTag, "telemetry.sdk.version", SdkVersions[service]));
        using var writer = new ProtoBufferWriter(1024);
        writer.WriteBytesField(0x0A, attributes);
        return writer.WrittenSpan.ToArray();
    }

    private static string PodSuffix(int service, int pod)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = WorkloadRandom.Hash(11, (ulong)service, (ulong)pod);
        Span<char> chars = stackalloc char[16];
        for (var i = 0; i < 16; i++)
        {
            chars[i] = alphabet[(int)(hash % (ulong)alphabet.Length)];
            hash = WorkloadRandom.Mix(hash);
        }
        // Deployment pods look like "<name>-<replicaset hash>-<pod hash>".
        return $"{chars[..10]}-{chars.Slice(10, 5)}";
    }

    private static byte[] BuildScope(int service, ShopScope scope)
    {
        var language = SdkLanguages[service];
        var (name, version) = (scope, language) switch
        {
            (ShopScope.Rpc, "nodejs") => ("@opentelemetry/instrumentation-http", "0.52.1"),
            (ShopScope.Rpc, "dotnet") => ("OpenTelemetry.Instrumentation.AspNetCore", "1.9.0"),
            (ShopScope.Rpc, "go") => ("go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc", "0.53.0"),
            (ShopScope.Rpc, "python") => ("opentelemetry.instrumentation.grpc", "0.48b0"),
            (ShopScope.Rpc, "java") => ("io.opentelemetry.grpc-1.6", "2.6.0-alpha"),
            (ShopScope.Database, "nodejs") => ("@opentelemetry/instrumentation-pg", "0.43.0"),
            (ShopScope.Database, "dotnet") => ("Npgsql", "8.0.3"),
            (ShopScope.Database, "go") => ("github.com/exaring/otelpgx", "0.6.2"),
            (ShopScope.Database, "python") => ("opentelemetry.instrumentation.psycopg", "0.48b0"),
            (ShopScope.Database, "java") => ("io.opentelemetry.jdbc", "2.6.0-alpha"),
            (ShopScope.Messaging, _) => ("shop.kafka", "1.0.0"),
            (_, "cpp") => ("postgres.tracing", "16.4"),
            _ => ($"shop.{ServiceNames[service]}", ServiceVersions[service]),
        };
        using var writer = new ProtoBufferWriter(256);
        var marker = writer.BeginLengthDelimited(0x0A, 1);
        writer.WriteBytesField(0x0A, ProtoFragments.Utf8(name));
        writer.WriteBytesField(0x12, ProtoFragments.Utf8(version));
        writer.EndLengthDelimited(marker);
        return writer.WrittenSpan.ToArray();
    }

    internal static byte[] StringAttr(string key, string value) => ProtoFragments.StringAttribute(SpanAttributeTag, key, value);

    internal static byte[] IntAttr(string key, long value) => ProtoFragments.IntAttribute(SpanAttributeTag, key, value);

    internal static byte[] EventStringAttr(string key, string value) => ProtoFragments.StringAttribute(EventAttributeTag, key, value);

    internal static string LanguageOf(ShopService service) => SdkLanguages[(int)service];

    internal static string NameOf(ShopService service) => ServiceNames[(int)service];
}

/// <summary>A user-facing request type: the frontend's root span and the calls it always makes first.</summary>
internal sealed record Route(int RootTemplate, Call[] Script, double MedianDurationMs, double Weight, bool PlacesOrder);

/// <summary>
/// A call a service makes: either one span (internal work, an external HTTP API, a cache) or a pair — the
/// caller's client/producer span and the callee's server/consumer span (<see cref="SpanTemplate.ServerTemplate"/>).
/// </summary>
internal sealed record Call(int Template, double Weight, bool IsPair);

/// <summary>Pre-encoded keys (KeyValue field 1) of attributes whose values are written per span.</summary>
internal sealed class DynamicKeys
{
    public byte[] UrlPath { get; } = ProtoFragments.Key("url.path");
    public byte[] ClientAddress { get; } = ProtoFragments.Key("client.address");
    public byte[] HttpStatus { get; } = ProtoFragments.Key("http.response.status_code");
    public byte[] GrpcStatus { get; } = ProtoFragments.Key("rpc.grpc.status_code");
    public byte[] UserId { get; } = ProtoFragments.Key("user.id");
    public byte[] OrderId { get; } = ProtoFragments.Key("order.id");
    public byte[] ProductId { get; } = ProtoFragments.Key("app.product.id");
    public byte[] CartItems { get; } = ProtoFragments.Key("app.cart.items.count");
    public byte[] ReturnedRows { get; } = ProtoFragments.Key("db.response.returned_rows");
    public byte[] BackendPid { get; } = ProtoFragments.Key("db.postgresql.backend_pid");
    public byte[] UrlPathProductPrefix { get; } = ProtoFragments.Utf8("/api/products/");
}
