using System.Text;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// The blocks of storage.trace read directly with the block reader, beneath the query API's span dedupe (which would
/// hide a span written into two blocks): the live blocks (meta.json present, not marked compacted) of each tenant must
/// hold every span acknowledged for that tenant exactly once and nothing else.
/// </summary>
public static class StoredBlocks
{
    /// <summary>
    /// The block entries of <paramref name="tenants"/> (default: the single tenant): live ones, marked-compacted ones
    /// and folders without a readable meta.
    /// </summary>
    public static async Task<List<CatalogEntry>> ListAsync(IObjectStore store, IEnumerable<string>? tenants = null)
    {
        var entries = new List<CatalogEntry>();
        foreach (var tenant in tenants ?? [Core.Tenants.SingleTenant])
        await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant))
            entries.Add(entry);
        return entries;
    }

    /// <summary>
    /// Returns a description of every difference between the live blocks' spans and <paramref name="traces"/>' spans
    /// (empty when each acknowledged span is in exactly one live block and no other span is).
    /// </summary>
    public static async Task<string> DifferencesAsync(IObjectStore store, IReadOnlyList<PushedTrace> traces)
    {
        var expected = new Dictionary<(string Tenant, string TraceId, string SpanId), int>();
        foreach (var trace in traces)
        foreach (var span in trace.ExpectedSpans())
            expected[(trace.StoredTenant, trace.TraceId, span.Key.SpanId)] = 0;

        var problems = new StringBuilder();
        var liveBlocks = 0;
        foreach (var entry in await ListAsync(store, traces.Select(t => t.StoredTenant).Distinct()))
        {
            if (entry.Meta is null || entry.IsCompacted) continue;
            liveBlocks++;
            var reader = await BlockReader.OpenAsync(store, entry.Tenant, entry.BlockId);
            await foreach (var trace in reader.ReadAllTracesAsync())
            foreach (var batch in trace.ResourceSpans)
            foreach (var scope in batch.ScopeSpans)
            foreach (var span in scope.Spans)
            {
                var key = (entry.Tenant, Convert.ToHexStringLower(span.TraceId.Span), Convert.ToHexStringLower(span.SpanId.Span));
                if (!expected.TryGetValue(key, out var seen))
                    problems.AppendLine($"block {entry.BlockId} holds span {key} nobody pushed");
                else
                    expected[key] = seen + 1;
            }
        }

        foreach (var ((tenant, traceId, spanId), count) in expected)
        {
            if (count != 1) problems.AppendLine($"span {spanId} of trace {traceId} (tenant {tenant}) is in {count} live blocks");
            if (problems.Length > 10_000) break;
        }
        return problems.Length == 0 ? "" : $"{liveBlocks} live blocks:\n{problems}";
    }

    /// <summary>Asserts that each acknowledged span is in exactly one live block and nothing else is stored.</summary>
    public static async Task ShouldHoldEverySpanOnceAsync(IObjectStore store, IReadOnlyList<PushedTrace> traces, string what) =>
        (await DifferencesAsync(store, traces)).Should().BeEmpty($"{what}: the live blocks hold every acknowledged span exactly once");

    /// <summary>
    /// Polls (the compactor works on its own cycle) until the live blocks hold every span exactly once, or fails with
    /// the last differences after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitUntilEverySpanOnceAsync(IObjectStore store, IReadOnlyList<PushedTrace> traces, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var differences = await DifferencesAsync(store, traces);
            if (differences.Length == 0) return;
            if (DateTime.UtcNow > deadline)
                differences.Should().BeEmpty($"{what}: within {timeout} the live blocks hold every acknowledged span exactly once");
            await Task.Delay(250);
        }
    }
}
