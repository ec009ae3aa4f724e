using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>
/// A generated, seeded set of OTLP traces for checking the search engine against <see cref="TraceQLOracle"/>:
/// ~300 traces of 1–40 spans in real parent/child trees (depth up to 6) across several services, with resource,
/// scope, span, event and link attributes of every scalar type, all kinds and statuses, and start times spread over
/// the hour before <c>now</c>. Everything but the time base is a function of the seed. IDs are unique and never start
/// with a zero hex digit, so their hex forms with and without leading zeros agree.
/// </summary>
public sealed class SearchDataset
{
    public const int DefaultSeed = 424242;
    public const int DefaultTraceCount = 300;

    private static readonly Lazy<SearchDataset> LazyDefault = new(() => Generate());

    private SearchDataset(int seed, IReadOnlyList<Trace> traces)
    {
        Seed = seed;
        Traces = traces;
        var spans = traces.SelectMany(t => t.ResourceSpans).SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans).ToList();
        StartUnixNano = spans.Min(s => s.StartTimeUnixNano);
        EndUnixNano = spans.Max(s => s.EndTimeUnixNano);
        SpanCount = spans.Count;
        TraceIds = traces.Select(t => OracleDecoder.Hex(t.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span)).ToList();
    }

    /// <summary>The default dataset (default seed and count, ending just before the first use).</summary>
    public static SearchDataset Default => LazyDefault.Value;

    public int Seed { get; }

    /// <summary>One <see cref="Trace"/> per trace ID, one batch per service, one scope-spans per instrumentation scope.</summary>
    public IReadOnlyList<Trace> Traces { get; }

    /// <summary>The traces' IDs, lowercase 32-hex, in the order of <see cref="Traces"/>.</summary>
    public IReadOnlyList<string> TraceIds { get; }

    /// <summary>The earliest span start of the dataset.</summary>
    public ulong StartUnixNano { get; }

    /// <summary>The latest span end of the dataset.</summary>
    public ulong EndUnixNano { get; }

    public int SpanCount { get; }

    /// <summary>Generates the dataset. Traces start within the hour before <paramref name="now"/> (default: the clock) and end before it.</summary>
    public static SearchDataset Generate(int seed = DefaultSeed, int traceCount = DefaultTraceCount, DateTimeOffset? now = null)
    {
        var end = (now ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds() * 1_000_000L;
        var generator = new Generator(seed, (ulong)end);
        var traces = new List<Trace>(traceCount);
        for (var i = 0; i < traceCount; i++)
        {
            traces.Add(generator.NextTrace(i));
        }
        return new SearchDataset(seed, traces);
    }

    // ------------------------------------------------------------------------------------------------ generation

    private static readonly string[] Services = ["frontend", "cart", "checkout", "payment", "shipping", "auth", "db-proxy"];

    /// <summary>Which services a span of a service calls.</summary>
    private static readonly Dictionary<string, string[]> Callees = new()
    {
        ["frontend"] = ["frontend", "cart", "checkout", "auth", "frontend"],
        ["cart"] = ["cart", "db-proxy", "cart"],
        ["checkout"] = ["checkout", "payment", "shipping", "cart", "db-proxy"],
        ["payment"] = ["payment", "db-proxy"],
        ["shipping"] = ["shipping", "db-proxy"],
        ["auth"] = ["auth", "db-proxy"],
        ["db-proxy"] = ["db-proxy"],
    };

    private static readonly Dictionary<string, string[]> ServerNames = new()
    {
        ["frontend"] = ["GET /", "GET /product/{id}", "POST /cart", "GET /checkout", "POST /login"],
        ["cart"] = ["AddItem", "GetCart", "EmptyCart"],
        ["checkout"] = ["PlaceOrder", "GetQuote"],
        ["payment"] = ["Charge", "Refund"],
        ["shipping"] = ["ShipOrder", "GetQuote"],
        ["auth"] = ["Authenticate", "RefreshToken"],
        ["db-proxy"] = ["query", "execute"],
    };

    private static readonly Dictionary<string, string[]> InternalNames = new()
    {
        ["frontend"] = ["render", "template.execute", "session.load"],
        ["cart"] = ["cart.validate", "cache.lookup", "serialize"],
        ["checkout"] = ["order.prepare", "tax.compute", "currency.convert"],
        ["payment"] = ["card.validate", "fraud.check"],
        ["shipping"] = ["rate.compute", "label.print"],
        ["auth"] = ["token.verify", "password.hash"],
        ["db-proxy"] = ["SELECT orders", "INSERT orders", "UPDATE carts", "pool.acquire"],
    };

    private static readonly Dictionary<string, string> Teams = new()
    {
        ["frontend"] = "web", ["cart"] = "commerce", ["checkout"] = "commerce", ["payment"] = "payments",
        ["shipping"] = "logistics", ["auth"] = "identity", ["db-proxy"] = "platform",
    };

    private static readonly Dictionary<string, string> Languages = new()
    {
        ["frontend"] = "js", ["cart"] = "dotnet", ["checkout"] = "go", ["payment"] = "java",
        ["shipping"] = "go", ["auth"] = "rust", ["db-proxy"] = "go",
    };

    private static readonly string[] Clusters = ["prod-eu-1", "prod-us-1", "staging"];
    private static readonly string[] HttpMethods = ["GET", "GET", "GET", "GET", "POST", "POST", "POST", "PUT", "DELETE"];
    private static readonly string[] ErrorMessages = ["connection refused", "upstream timeout", "deadline exceeded", "internal error"];
    private static readonly string[] ExceptionTypes = ["TimeoutException", "IOException", "NullReferenceException", "SqlException"];

    private sealed class GenSpan
    {
        public required byte[] Id;
        public GenSpan? Parent;
        public int Depth;
        public required string Service;
        public ulong Start;
        public ulong End;
        public Span Proto = null!;
        public required string Scope;
    }

    private sealed class Generator(int seed, ulong endNanos)
    {
        private const ulong Hour = 3_600_000_000_000UL;
        private readonly Random _rng = new(seed);
        private readonly HashSet<string> _ids = [];
        private readonly List<(byte[] TraceId, byte[] SpanId)> _roots = [];

        private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];
        private bool Chance(double p) => _rng.NextDouble() < p;

        /// <summary>Unique random ID bytes whose first hex digit is not zero.</summary>
        private byte[] NewId(int length)
        {
            while (true)
            {
                var bytes = new byte[length];
                _rng.NextBytes(bytes);
                bytes[0] = (byte)_rng.Next(0x10, 0x100);
                if (_ids.Add(Convert.ToHexString(bytes)))
                {
                    return bytes;
                }
            }
        }

        /// <summary>Log-uniform nanoseconds between the bounds.</summary>
        private ulong LogUniform(double minNanos, double maxNanos) =>
            (ulong)Math.Exp(Math.Log(minNanos) + _rng.NextDouble() * (Math.Log(maxNanos) - Math.Log(minNanos)));

        public Trace NextTrace(int index)
        {
            var traceId = NewId(16);
            // A tenth of the traces are single spans; the rest skew towards smaller trees, up to 40 spans.
            var spanCount = Chance(0.1) ? 1 : 2 + (int)(38 * Math.Pow(_rng.NextDouble(), 1.7));
            var cluster = Pick(Clusters);
            var rootDuration = LogUniform(200_000, 9_000_000_000); // 0.2ms .. 9s
            var traceStart = endNanos - Hour + (ulong)(_rng.NextDouble() * (Hour - rootDuration - 60_000_000_000UL));

            var rootService = Chance(0.65) ? "frontend" : Pick(Services);
            var spans = new List<GenSpan>
            {
                new() { Id = NewId(8), Service = rootService, Start = traceStart, End = traceStart + rootDuration, Scope = "" },
            };
            for (var i = 1; i < spanCount; i++)
            {
                // Prefer recent spans as parents, which makes deeper trees; never deeper than 6 levels.
                GenSpan parent;
                do
                {
                    parent = Chance(0.5) ? spans[_rng.Next(Math.Max(0, spans.Count - 3), spans.Count)] : Pick(spans);
                }
                while (parent.Depth >= 5);
                var service = Pick(Callees[parent.Service]);
                var parentDuration = parent.End - parent.Start;
                var start = parent.Start + (ulong)(parentDuration * 0.7 * _rng.NextDouble());
                var duration = Math.Max(1_000UL, (ulong)(parentDuration * (0.02 + 0.5 * _rng.NextDouble())));
                spans.Add(new GenSpan
                {
                    Id = NewId(8), Parent = parent, Depth = parent.Depth + 1, Service = service,
                    Start = start, End = Math.Min(start + duration, parent.End), Scope = "",
                });
            }

            foreach (var span in spans)
            {
                span.Proto = BuildSpan(traceId, span);
            }

            // One batch per service (first appearance order), one scope-spans per scope within it.
            var trace = new Trace();
            foreach (var service in spans.Select(s => s.Service).Distinct())
            {
                var batch = new ResourceSpans { Resource = BuildResource(service, cluster) };
                foreach (var scopeGroup in spans.Where(s => s.Service == service).GroupBy(s => s.Scope))
                {
                    var scopeSpans = new ScopeSpans { Scope = BuildScope(service, scopeGroup.Key) };
                    scopeSpans.Spans.Add(scopeGroup.Select(s => s.Proto));
                    batch.ScopeSpans.Add(scopeSpans);
                }
                trace.ResourceSpans.Add(batch);
            }
            _roots.Add((traceId, spans[0].Id));
            return trace;
        }

        private Resource BuildResource(string service, string cluster)
        {
            var resource = new Resource();
            resource.Attributes.Add(Str("service.name", service));
            resource.Attributes.Add(Str("k8s.cluster.name", service == "db-proxy" && cluster != "staging" ? "prod-db" : cluster));
            resource.Attributes.Add(Str("team", Teams[service]));
            resource.Attributes.Add(Int("replica.count", _rng.Next(1, 7)));
            resource.Attributes.Add(Str("deployment.env", cluster == "staging" ? "staging" : "prod"));
            if (Chance(0.3))
            {
                resource.Attributes.Add(Str("host.arch", Chance(0.5) ? "amd64" : "arm64"));
            }
            return resource;
        }

        private static InstrumentationScope BuildScope(string service, string scopeName)
        {
            var scope = new InstrumentationScope { Name = scopeName };
            scope.Attributes.Add(Str("scope.lang", Languages[service]));
            switch (scopeName)
            {
                case "opentelemetry.instrumentation.http":
                    scope.Version = service is "frontend" or "checkout" ? "1.2.0" : "0.45.1";
                    scope.Attributes.Add(Bool("scope.auto", true));
                    break;
                case "opentelemetry.instrumentation.sql":
                    scope.Version = "2.3.1";
                    scope.Attributes.Add(Bool("scope.auto", true));
                    scope.Attributes.Add(Int("scope.pool.size", 16));
                    break;
                default:
                    scope.Version = "1.0." + (service.Length % 4);
                    scope.Attributes.Add(Bool("scope.auto", false));
                    break;
            }
            return scope;
        }

        private Span BuildSpan(byte[] traceId, GenSpan g)
        {
            var parentService = g.Parent?.Service;
            Span.Types.SpanKind kind;
            if (g.Parent is null)
            {
                kind = Chance(0.9) ? Span.Types.SpanKind.Server : Span.Types.SpanKind.Consumer;
            }
            else if (parentService != g.Service)
            {
                kind = Chance(0.8) ? Span.Types.SpanKind.Server : Span.Types.SpanKind.Consumer;
            }
            else
            {
                var r = _rng.NextDouble();
                kind = r < 0.55 ? Span.Types.SpanKind.Internal
                    : r < 0.85 ? Span.Types.SpanKind.Client
                    : r < 0.93 ? Span.Types.SpanKind.Producer
                    : Span.Types.SpanKind.Unspecified;
            }
            var isHttp = kind is Span.Types.SpanKind.Server or Span.Types.SpanKind.Client;
            var name = kind == Span.Types.SpanKind.Server || kind == Span.Types.SpanKind.Consumer
                ? Pick(ServerNames[g.Service])
                : kind == Span.Types.SpanKind.Client ? "call " + Pick(Services) : Pick(InternalNames[g.Service]);
            g.Scope = g.Service == "db-proxy" && !isHttp ? "opentelemetry.instrumentation.sql"
                : isHttp ? "opentelemetry.instrumentation.http"
                : g.Service + ".manual";

            var span = new Span
            {
                TraceId = ByteString.CopyFrom(traceId),
                SpanId = ByteString.CopyFrom(g.Id),
                ParentSpanId = g.Parent is null ? ByteString.Empty : ByteString.CopyFrom(g.Parent.Id),
                Name = name,
                Kind = kind,
                StartTimeUnixNano = g.Start,
                EndTimeUnixNano = g.End,
            };

            long? statusCode = null;
            if (isHttp)
            {
                span.Attributes.Add(Str("http.method", Pick(HttpMethods)));
                var r = _rng.NextDouble();
                statusCode = r < 0.72 ? 200 : r < 0.77 ? 201 : r < 0.86 ? 404 : r < 0.95 ? 500 : 503;
                span.Attributes.Add(Int("http.response.status_code", statusCode.Value));
                if (kind == Span.Types.SpanKind.Server)
                {
                    span.Attributes.Add(Str("http.route", "/" + g.Service + "/" + name.Split(' ')[^1].TrimStart('/')));
                }
            }
            if (g.Service == "db-proxy")
            {
                span.Attributes.Add(Str("db.system", Chance(0.75) ? "postgres" : "redis"));
                span.Attributes.Add(Int("db.rows", _rng.Next(0, 500)));
                if (name.StartsWith("SELECT", StringComparison.Ordinal) || name.StartsWith("INSERT", StringComparison.Ordinal))
                {
                    span.Attributes.Add(Str("db.statement", name + " WHERE id = $1"));
                }
            }
            if (g.Service == "cart" || Chance(0.1))
            {
                span.Attributes.Add(Bool("cache.hit", Chance(0.6)));
            }
            if (Chance(0.5))
            {
                span.Attributes.Add(Dbl("payload.size_kb", Math.Round(0.1 + _rng.NextDouble() * 500, 2)));
            }
            if (Chance(0.15))
            {
                span.Attributes.Add(Int("retry.count", _rng.Next(0, 4)));
            }
            if (Chance(0.06))
            {
                // Shadows the resource attribute of the same name, for unscoped lookups.
                span.Attributes.Add(Str("deployment.env", "canary"));
            }
            if (Chance(0.2))
            {
                span.Attributes.Add(Str("user.tier", Pick(new[] { "free", "pro", "enterprise" })));
            }

            // Status: 5xx is an error; otherwise mostly unset, some ok, a few errors of their own.
            var s = _rng.NextDouble();
            if (statusCode >= 500)
            {
                span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = statusCode == 503 ? "upstream timeout" : "internal error" };
            }
            else if (s < 0.04)
            {
                span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = Pick(ErrorMessages) };
            }
            else if (s < 0.25)
            {
                span.Status = new Status { Code = Status.Types.StatusCode.Ok };
            }
            else if (s < 0.27)
            {
                span.Status = new Status { Code = Status.Types.StatusCode.Unset, Message = "no status" };
            }

            AddEvents(span, g, span.Status?.Code == Status.Types.StatusCode.Error);
            AddLinks(span);
            return span;
        }

        private void AddEvents(Span span, GenSpan g, bool error)
        {
            var duration = g.End - g.Start;
            ulong At() => g.Start + (ulong)(duration * _rng.NextDouble());
            if (error && Chance(0.8))
            {
                var e = new Span.Types.Event { Name = "exception", TimeUnixNano = At() };
                e.Attributes.Add(Str("exception.type", Pick(ExceptionTypes)));
                e.Attributes.Add(Str("exception.message", Pick(ErrorMessages)));
                e.Attributes.Add(Bool("exception.escaped", Chance(0.3)));
                span.Events.Add(e);
            }
            if (!Chance(0.18))
            {
                return;
            }
            var count = _rng.Next(1, 4);
            var events = new List<Span.Types.Event>();
            for (var i = 0; i < count; i++)
            {
                var e = new Span.Types.Event { TimeUnixNano = At() };
                switch (_rng.Next(3))
                {
                    case 0:
                        e.Name = "cache.miss";
                        e.Attributes.Add(Str("cache.key", "item:" + _rng.Next(1, 50)));
                        break;
                    case 1:
                        e.Name = "retry";
                        e.Attributes.Add(Int("attempt", _rng.Next(1, 4)));
                        e.Attributes.Add(Dbl("backoff.seconds", Math.Round(_rng.NextDouble() * 2, 3)));
                        break;
                    default:
                        e.Name = "log";
                        e.Attributes.Add(Str("level", Pick(new[] { "info", "warn", "debug" })));
                        break;
                }
                events.Add(e);
            }
            span.Events.Add(events.OrderBy(e => e.TimeUnixNano));
        }

        private void AddLinks(Span span)
        {
            if (!Chance(0.07))
            {
                return;
            }
            var count = _rng.Next(1, 3);
            for (var i = 0; i < count; i++)
            {
                // Link to an earlier trace's root when there is one, otherwise somewhere unknown.
                var (traceId, spanId) = _roots.Count > 0 && Chance(0.6) ? Pick(_roots) : (NewId(16), NewId(8));
                var link = new Span.Types.Link { TraceId = ByteString.CopyFrom(traceId), SpanId = ByteString.CopyFrom(spanId) };
                link.Attributes.Add(Str("link.type", Chance(0.7) ? "follows_from" : "child_of"));
                link.Attributes.Add(Int("link.weight", _rng.Next(1, 10)));
                span.Links.Add(link);
            }
        }

        private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
        private static KeyValue Int(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
        private static KeyValue Dbl(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };
        private static KeyValue Bool(string key, bool value) => new() { Key = key, Value = new AnyValue { BoolValue = value } };
    }
}
