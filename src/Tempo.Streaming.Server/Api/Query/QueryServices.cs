using Tempo.Streaming.Query.Search;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Query.Traces;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// The query components the HTTP routes call. The pipeline sets them once the live store runs; until then the routes
/// answer 503 (the process is up, the data is not yet readable), which is what a readiness-aware client retries on.
/// </summary>
public sealed class QueryServices
{
    private volatile TraceByIdQuerier? _traces;
    private volatile TagQuerier? _tags;
    private volatile SearchQuerier? _search;

    /// <summary>Answers the trace-by-ID routes; null while the live store is starting.</summary>
    public TraceByIdQuerier? Traces
    {
        get => _traces;
        set => _traces = value;
    }

    /// <summary>Answers the tag routes; null while the live store is starting.</summary>
    public TagQuerier? Tags
    {
        get => _tags;
        set => _tags = value;
    }

    /// <summary>Answers <c>/api/search</c>; null while the live store is starting.</summary>
    public SearchQuerier? Search
    {
        get => _search;
        set => _search = value;
    }
}
