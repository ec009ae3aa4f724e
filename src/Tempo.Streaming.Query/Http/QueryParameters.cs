namespace Tempo.Streaming.Query.Http;

/// <summary>
/// Reads one URL query parameter the way Go's <c>r.URL.Query().Get(name)</c> does: the first value, or the empty
/// string when absent. Tempo treats an empty value as "not given" (<c>extractQueryParam</c>), and so do the parsers here.
/// </summary>
public delegate string QueryParameters(string name);
