namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>
/// One kind of span of the shop workload with everything that does not vary per span pre-encoded as OTLP
/// protobuf: name + kind (Span fields 5, 6), static attributes (field 9), the error status (field 15) and the
/// exception event (field 11) minus its timestamp.
/// </summary>
internal sealed class SpanTemplate
{
    public required int Index { get; init; }
    public required ShopService Service { get; init; }
    public required ShopScope Scope { get; init; }
    public required int Kind { get; init; }
    public required string Name { get; init; }
    /// <summary>Span field 5 (name) and field 6 (kind), encoded.</summary>
    public required byte[] NameAndKind { get; init; }
    /// <summary>Repeated Span field 9 entries that never change.</summary>
    public required byte[] StaticAttributes { get; init; }
    public required DynamicAttributes Dynamic { get; init; }
    /// <summary>Span field 15, a Status with code ERROR and a message.</summary>
    public required byte[] ErrorStatus { get; init; }
    /// <summary>The Event body after its time field: name "exception" and the exception.* attributes.</summary>
    public required byte[] ExceptionEventTail { get; init; }
    /// <summary>Relative cost used to share a parent's time among its children.</summary>
    public required double Weight { get; init; }
    /// <summary>True for server spans that can call further services (they get children).</summary>
    public bool Expandable { get; init; }
    /// <summary>For client spans of a service-to-service call: the template of the callee's server span.</summary>
    public int ServerTemplate { get; set; } = -1;
    /// <summary>http.response.status_code of a successful request: 201 for the shop's POST routes, else 200.</summary>
    public int SuccessHttpStatus { get; init; } = 200;
    /// <summary>Span flags (field 16): sampled, plus "parent is remote" for server/consumer spans (OTLP 1.1+).</summary>
    public required uint Flags { get; init; }
}
