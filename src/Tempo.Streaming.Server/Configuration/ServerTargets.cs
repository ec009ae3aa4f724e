namespace Tempo.Streaming.Server.Configuration;

/// <summary>The <c>-target</c> values (ARCHITECTURE.md §2) and which of them this build can run.</summary>
public static class ServerTargets
{
    public const string All = "all";
    public const string Distributor = "distributor";
    public const string LiveStore = "live-store";
    public const string Querier = "querier";
    public const string QueryFrontend = "query-frontend";
    public const string Compactor = "compactor";

    public static IReadOnlyList<string> Known { get; } = [All, Distributor, LiveStore, Querier, QueryFrontend, Compactor];

    /// <summary>
    /// Checks that <paramref name="target"/> names a known target this build can run; returns an error message otherwise.
    /// Only the single binary runs yet: the other targets talk to each other through Kafka and need the live store,
    /// querier and compactor that later issues add.
    /// </summary>
    public static string? CheckRunnable(string target)
    {
        if (!Known.Contains(target, StringComparer.Ordinal))
        {
            return $"unknown target \"{target}\" (known targets: {string.Join(", ", Known)})";
        }

        if (target != All)
        {
            return $"target \"{target}\" cannot run in this build: distributed targets need the Kafka ingest log and the " +
                   "live-store, querier and compactor components, which are not built yet; run the single binary with -target=all";
        }

        return null;
    }
}
