namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>The eight services of the "shop" workload (BENCHMARKS.md). The numeric value is the index in tables.</summary>
public enum ShopService : byte
{
    Frontend = 0,
    Cart = 1,
    Checkout = 2,
    Payment = 3,
    Shipping = 4,
    Catalog = 5,
    Auth = 6,
    Postgres = 7,
}

/// <summary>Which instrumentation scope produced a span; spans are grouped per (resource, scope) in a batch.</summary>
internal enum ShopScope : byte
{
    /// <summary>HTTP / gRPC server and client instrumentation.</summary>
    Rpc = 0,
    /// <summary>Database client (or, for postgres, its server-side tracing).</summary>
    Database = 1,
    /// <summary>Hand-written spans in the service's own code.</summary>
    Application = 2,
    /// <summary>Messaging (Kafka) producer/consumer instrumentation.</summary>
    Messaging = 3,
}

/// <summary>Per-span values written at encoding time, in the order they are written after the static attributes.</summary>
[Flags]
internal enum DynamicAttributes : ushort
{
    None = 0,
    UrlPathProduct = 1 << 0,
    ClientAddress = 1 << 1,
    UserAgent = 1 << 2,
    HttpStatus = 1 << 3,
    GrpcStatus = 1 << 4,
    UserId = 1 << 5,
    OrderId = 1 << 6,
    ProductId = 1 << 7,
    CartItems = 1 << 8,
    ReturnedRows = 1 << 9,
    BackendPid = 1 << 10,
}
