using System.Net;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// Trace by ID for every acknowledged trace, restricted to one lookup mode (<c>mode=blocks</c>: only the blocks of
/// storage.trace; <c>mode=all</c>: live store and blocks merged), compared span for span with what the generator
/// regenerates — a missing, altered or duplicated span fails (<see cref="FlatSpans.ShouldEqualSpanForSpan"/>). Both
/// sides are first put in the form a vParquet4 block preserves (<see cref="VParquet4Fidelity"/>): with mode=all the
/// merged answer may take any span from either copy.
/// </summary>
public static class TraceByIdChecks
{
    /// <summary>
    /// Asks for each trace until it is found (a querier sees other processes' blocks only after its next block-list
    /// poll) or <paramref name="timeout"/> passes, then compares it. Both the v1 protobuf route and the v2 route are
    /// asked: v2 must say COMPLETE.
    /// </summary>
    public static async Task ShouldFindEveryTraceAsync(TempoQueryClient client, IReadOnlyList<PushedTrace> traces, string mode,
        TimeSpan timeout, int concurrency = 8)
    {
        var clients = traces.Select(t => t.Tenant).Distinct().ToDictionary(t => t ?? "", client.As);
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(traces.Select(async trace =>
        {
            await gate.WaitAsync();
            try
            {
                var found = await WaitForAsync(clients[trace.Tenant ?? ""], $"/api/traces/{trace.TraceId}?mode={mode}", trace, timeout);
                FlatSpans.ShouldEqualSpanForSpan(VParquet4Fidelity.Normalize(FlatSpans.Flatten(Trace.Parser.ParseFrom(found.Body))),
                    VParquet4Fidelity.Normalize(trace.ExpectedSpans()), $"{trace} with mode={mode}");
            }
            finally
            {
                gate.Release();
            }
        }));

        // The v2 route reads the same sources; check a few traces there so its mode handling is covered too.
        foreach (var trace in new[] { traces[0], traces[traces.Count / 2], traces[^1] })
        {
            var v2 = await WaitForAsync(clients[trace.Tenant ?? ""], $"/api/v2/traces/{trace.TraceId}?mode={mode}", trace, timeout);
            var response = TraceByIDResponse.Parser.ParseFrom(v2.Body);
            response.Status.Should().Be(PartialStatus.Complete, $"v2 {trace} with mode={mode}");
            FlatSpans.ShouldEqualSpanForSpan(VParquet4Fidelity.Normalize(FlatSpans.Flatten(response.Trace)),
                VParquet4Fidelity.Normalize(trace.ExpectedSpans()), $"v2 {trace} with mode={mode}");
        }

        foreach (var tenantClient in clients.Values) tenantClient.Dispose();
    }

    private static async Task<ApiResponse> WaitForAsync(TempoQueryClient client, string pathAndQuery, PushedTrace trace, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var response = await client.GetAsync(pathAndQuery, TempoQueryClient.Protobuf);
            if (response.Status == HttpStatusCode.OK) return response;
            if (response.Status != HttpStatusCode.NotFound)
                throw new InvalidOperationException($"GET {pathAndQuery} ({trace}): {response}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{trace} was acknowledged but GET {pathAndQuery} is still 404 after {timeout}");
            await Task.Delay(100);
        }
    }
}
