namespace Tempo.Streaming.Server.Configuration;

/// <summary>The <c>-target</c> values (ARCHITECTURE.md §2), which of them this build can run, and what each one runs.</summary>
public static class ServerTargets
{
    public const string All = "all";
    public const string Distributor = "distributor";
    public const string LiveStore = "live-store";
    public const string Querier = "querier";
    public const string QueryFrontend = "query-frontend";
    public const string Compactor = "compactor";

    public static IReadOnlyList<string> Known { get; } = [All, Distributor, LiveStore, Querier, QueryFrontend, Compactor];

    /// <summary>The targets this build runs: the single binary and the two halves of the ingest path.</summary>
    public static IReadOnlyList<string> Runnable { get; } = [All, Distributor, LiveStore, Compactor];

    /// <summary>
    /// Checks that <paramref name="target"/> names a known target this build can run; returns an error message otherwise.
    /// The querier and query frontend are later issues; until then trace by ID is answered by the live stores themselves
    /// (from their recent data and the blocks).
    /// </summary>
    public static string? CheckRunnable(string target)
    {
        if (!Known.Contains(target, StringComparer.Ordinal))
        {
            return $"unknown target \"{target}\" (known targets: {string.Join(", ", Known)})";
        }

        if (!Runnable.Contains(target, StringComparer.Ordinal))
        {
            return $"target \"{target}\" cannot run in this build: the querier and query-frontend are not built yet " +
                   $"(the live stores answer queries); run {string.Join(", ", Runnable.Select(t => "-target=" + t))}";
        }

        return null;
    }

    /// <summary>
    /// Checks what a target needs beyond each key's own rules: a live store must find its partition in its instance ID,
    /// as Tempo's live store does at startup. Returns an error message, or null.
    /// </summary>
    public static string? CheckConfig(TempoConfig config)
    {
        if (config.Target == LiveStore && LiveStoreInstance.PartitionId(config.LiveStore.Ring.InstanceId, out var error) is null)
        {
            return $"live_store.ring.instance_id: calculating livestore partition ID: {error} " +
                   "(in distributed mode the instance ID ends in the instance ordinal, e.g. live-store-zone-a-0, which is the partition it consumes)";
        }

        return null;
    }

    /// <summary>Targets that run the distributor and the OTLP receivers in front of it.</summary>
    public static bool RunsDistributor(string target) => target is All or Distributor;

    /// <summary>Targets that run a live store (and serve the query API from it).</summary>
    public static bool RunsLiveStore(string target) => target is All or LiveStore;

    /// <summary>Targets that run the compactor (merging blocks, retention).</summary>
    public static bool RunsCompactor(string target) => target is All or Compactor;

    /// <summary>Targets that run the ingest path (log, ring, distributor and/or live store); the compactor only needs the backend.</summary>
    public static bool RunsIngestPath(string target) => target != Compactor;

    /// <summary>Targets that talk to each other through Kafka (every target but the single binary).</summary>
    public static bool UsesKafka(string target) => target != All;
}
