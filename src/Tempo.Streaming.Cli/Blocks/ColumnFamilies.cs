namespace Tempo.Streaming.Cli.Blocks;

/// <summary>
/// Groups vParquet4 column paths into the families the stored-size figure is reported by (BENCHMARKS.md: bytes per
/// span, by IDs, times, attributes, ...), so the next size work is visible.
/// </summary>
internal static class ColumnFamilies
{
    public const string Ids = "ids";
    public const string Times = "times";
    public const string Attributes = "attributes";
    public const string Names = "names";
    public const string Structure = "structure";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [Ids, Times, Attributes, Names, Structure, Other];

    /// <summary>The family of a column given by its dotted path.</summary>
    public static string Of(string dottedPath)
    {
        var leaf = dottedPath[(dottedPath.LastIndexOf('.') + 1)..];
        if (dottedPath.Contains(".Attrs.", StringComparison.Ordinal) || dottedPath.Contains(".DedicatedAttributes.", StringComparison.Ordinal))
        {
            return Attributes;
        }
        return leaf switch
        {
            "TraceID" or "TraceIDText" or "SpanID" or "ParentSpanID" => Ids,
            "StartTimeUnixNano" or "EndTimeUnixNano" or "DurationNano" or "TimeSinceStartNano" => Times,
            "ParentID" or "NestedSetLeft" or "NestedSetRight" => Structure,
            "Name" or "RootServiceName" or "RootSpanName" or "ServiceName" or "Version" => Names,
            // Well-known resource and span columns are attributes pulled out of the generic lists.
            "Cluster" or "Namespace" or "Pod" or "Container" or "K8sClusterName" or "K8sNamespaceName" or "K8sPodName"
                or "K8sContainerName" or "HttpMethod" or "HttpUrl" or "HttpStatusCode" => Attributes,
            _ => Other,
        };
    }
}
