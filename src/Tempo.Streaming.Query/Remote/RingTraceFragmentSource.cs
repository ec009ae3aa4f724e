using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.Query.Remote;

/// <summary>
/// Trace by ID over the live stores found in the partition ring (issue 4; ARCHITECTURE.md §4, §7): every partition in
/// state ACTIVE or INACTIVE is read — INACTIVE ones still hold recent data while a downscale drains them; PENDING ones are
/// skipped, as Tempo skips them, since no distributor has written to them yet. A partition this process consumes is
/// read from the local store, in-process; any other from one of its owners over HTTP
/// (<see cref="LiveStoreTraceProtocol"/>): owners that are OwnerActive with a fresh heartbeat, same zone first, the next
/// one tried when one fails or times out, until one answers 200 or 404. Partitions are read concurrently. A partition no
/// owner answered for fails the lookup with <see cref="PartitionUnavailableException"/> rather than returning a trace that
/// may be missing spans.
/// </summary>
public sealed partial class RingTraceFragmentSource : ITraceFragmentSource
{
    private readonly IPartitionRingStore _ring;
    private readonly ITraceFragmentSource? _local;
    private readonly HashSet<int> _localPartitions;
    private readonly HttpClient _http;
    private readonly RingTraceFragmentSourceOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <param name="ring">The partition ring as this process follows it.</param>
    /// <param name="localSource">The live store running in this process, or null when it runs none.</param>
    /// <param name="localPartitions">The partitions <paramref name="localSource"/> consumes (empty when none).</param>
    /// <param name="httpClient">Calls the other live stores; per-call timeouts come from the options.</param>
    public RingTraceFragmentSource(IPartitionRingStore ring, ITraceFragmentSource? localSource, IReadOnlyCollection<int> localPartitions,
        HttpClient httpClient, RingTraceFragmentSourceOptions options, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(localPartitions);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        if (localSource is null && localPartitions.Count > 0)
        {
            throw new ArgumentException(
                $"partitions {string.Join(", ", localPartitions)} are said to be served in-process, but no local trace source was given",
                nameof(localSource));
        }

        _ring = ring;
        _local = localSource;
        _localPartitions = [.. localPartitions];
        _http = httpClient;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public async ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        var ring = _ring.Current;
        var now = _time.GetUtcNow();
        var askLocal = false;
        var remote = new List<Task<PartitionAnswer>>();
        foreach (var partition in ring.Partitions.Values)
        {
            if (partition.State is not (PartitionState.Active or PartitionState.Inactive))
            {
                continue;
            }

            if (_localPartitions.Contains(partition.Id))
            {
                askLocal = true;
                continue;
            }

            remote.Add(AskOwnersAsync(partition.Id, Candidates(ring, partition.Id, now), tenant, traceId, window, cancellationToken));
        }

        // The local store answers for all its partitions in one read; it runs while the remote calls are in flight.
        var local = askLocal ? await _local!.FindTraceAsync(tenant, traceId, window, cancellationToken).ConfigureAwait(false) : null;
        var answers = await Task.WhenAll(remote).ConfigureAwait(false);

        var fragments = new List<ReadOnlyMemory<byte>>();
        long inspected = 0;
        if (local is not null)
        {
            fragments.AddRange(local.Fragments);
            inspected += local.InspectedBytes;
        }

        List<PartitionAnswer>? failed = null;
        foreach (var answer in answers)
        {
            if (answer.Failure is not null)
            {
                (failed ??= []).Add(answer);
                continue;
            }

            if (answer.Fragment.Length > 0)
            {
                fragments.Add(answer.Fragment);
            }

            inspected += answer.InspectedBytes;
        }

        if (failed is not null)
        {
            throw Unavailable(failed);
        }

        return fragments.Count == 0 && inspected == 0 ? TraceFragments.None : new TraceFragments(fragments, inspected);
    }

    /// <summary>The owners worth calling for a partition, in the order to try them.</summary>
    private List<OwnerDesc> Candidates(PartitionRingDesc ring, int partition, DateTimeOffset now)
    {
        var sameZone = new List<OwnerDesc>();
        var otherZones = new List<OwnerDesc>();
        foreach (var owner in ring.OwnersOf(partition))
        {
            if (owner.State != OwnerState.Active || owner.HttpAddress.Length == 0 ||
                IsSelf(owner.InstanceId) ||
                now - owner.Heartbeat > _options.HeartbeatTimeout)
            {
                continue;
            }

            (_options.Zone.Length > 0 && string.Equals(owner.Zone, _options.Zone, StringComparison.Ordinal) ? sameZone : otherZones).Add(owner);
        }

        sameZone.AddRange(otherZones);
        return sameZone;
    }

    /// <summary>
    /// This process's own owner entries: its instance ID, or <c>&lt;instance&gt;/&lt;partition&gt;</c> when it owns several
    /// partitions (the lifecycler's multi-partition owner IDs).
    /// </summary>
    private bool IsSelf(string ownerId) =>
        ownerId.StartsWith(_options.InstanceId, StringComparison.Ordinal) &&
        (ownerId.Length == _options.InstanceId.Length || ownerId[_options.InstanceId.Length] == '/');

    private async Task<PartitionAnswer> AskOwnersAsync(int partition, List<OwnerDesc> owners, string tenant, ReadOnlyMemory<byte> traceId,
        QueryWindow window, CancellationToken cancellationToken)
    {
        if (owners.Count == 0)
        {
            return PartitionAnswer.Failed(partition,
                $"no owner is OwnerActive with a heartbeat within {_options.HeartbeatTimeout.TotalSeconds:0.#} s and an HTTP address");
        }

        var reasons = new StringBuilder();
        foreach (var owner in owners)
        {
            var uri = LiveStoreTraceProtocol.RequestUri(owner.HttpAddress, traceId.Span, window);
            var (answer, failure) = await CallAsync(partition, uri, tenant, cancellationToken).ConfigureAwait(false);
            if (answer is not null)
            {
                return answer;
            }

            OwnerFailed(_logger, owner.InstanceId, owner.HttpAddress, partition, failure!);
            if (reasons.Length > 0)
            {
                reasons.Append("; ");
            }

            reasons.Append(owner.InstanceId).Append(" at ").Append(owner.HttpAddress).Append(": ").Append(failure);
        }

        return PartitionAnswer.Failed(partition, reasons.ToString());
    }

    private async Task<(PartitionAnswer? Answer, string? Failure)> CallAsync(int partition, Uri uri, string tenant,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation(LiveStoreTraceProtocol.TenantHeader, tenant);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                {
                    var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                    return (new PartitionAnswer(partition, body, InspectedBytes(response, body.Length), null), null);
                }

                case HttpStatusCode.NotFound:
                    return (new PartitionAnswer(partition, ReadOnlyMemory<byte>.Empty, InspectedBytes(response, 0), null), null);
                default:
                {
                    var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                    var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    return (null, text.Length == 0 ? $"HTTP {status}" : $"HTTP {status}: {Shorten(text)}");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {_options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException exception)
        {
            return (null, exception.Message);
        }
    }

    private static long InspectedBytes(HttpResponseMessage response, long fallback) =>
        response.Headers.TryGetValues(LiveStoreTraceProtocol.InspectedBytesHeader, out var values) &&
        long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : fallback;

    private static string Shorten(string text)
    {
        text = text.Trim();
        return text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "...");
    }

    private static PartitionUnavailableException Unavailable(List<PartitionAnswer> failed)
    {
        failed.Sort(static (a, b) => a.Partition.CompareTo(b.Partition));
        var partitions = new int[failed.Count];
        var message = new StringBuilder("live stores unavailable: ");
        for (var i = 0; i < failed.Count; i++)
        {
            partitions[i] = failed[i].Partition;
            if (i > 0)
            {
                message.Append("; ");
            }

            message.Append("no live store answered for partition ").Append(failed[i].Partition).Append(" (").Append(failed[i].Failure).Append(')');
        }

        message.Append("; retry once the partition's live store is back");
        return new PartitionUnavailableException(partitions, message.ToString());
    }

    /// <summary>One partition's outcome: its fragment (the body of a 200, possibly empty) or why no owner answered.</summary>
    private sealed record PartitionAnswer(int Partition, ReadOnlyMemory<byte> Fragment, long InspectedBytes, string? Failure)
    {
        public static PartitionAnswer Failed(int partition, string failure) => new(partition, ReadOnlyMemory<byte>.Empty, 0, failure);
    }

    [LoggerMessage(4301, LogLevel.Warning,
        "live store {Instance} at {Address} did not answer a trace lookup for partition {Partition} ({Failure}); trying the next owner")]
    private static partial void OwnerFailed(ILogger logger, string instance, string address, int partition, string failure);
}
