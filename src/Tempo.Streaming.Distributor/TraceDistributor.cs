using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Distributor.Otlp;
using Tempo.Streaming.Distributor.Regrouping;
using Tempo.Streaming.Distributor.Truncation;
using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.Distributor;

/// <summary>
/// The distributor (ARCHITECTURE.md §2-3, Tempo's modules/distributor): validates a push, truncates oversized
/// attributes, regroups its spans into one <c>tempopb.Trace</c> per trace ID, picks each trace's partition with the
/// ring, encodes <c>tempopb.PushBytesRequest</c> records and appends them to the ingest log, acknowledging only once
/// every record is durable (invariant 1).
/// <para>
/// It works on the request's protobuf bytes: one validating scan, then byte copies of resources, scopes and spans
/// into exactly-sized record buffers. Only a message that needs attribute truncation is decoded into objects.
/// Everything up to the appends runs synchronously and either fails with nothing written or produces all records.
/// </para>
/// </summary>
public sealed partial class TraceDistributor : ITracePusher, IDisposable
{
    private const int MaxCachedTenants = 4096;

    private readonly IIngestLog _log;
    private readonly IPartitionRing _ring;
    private readonly DistributorOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DistributorMetrics _metrics;
    private readonly AttributeTruncator _truncator;
    private readonly ConcurrentDictionary<string, byte[]> _tenantKeys = new(StringComparer.Ordinal);
    private readonly string[] _partitionLabels;
    private long _lastTruncationLog;

    public TraceDistributor(IIngestLog log, IPartitionRing ring, DistributorOptions options,
        ILogger<TraceDistributor>? logger = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        foreach (var partition in ring.ActivePartitions)
        {
            if (partition < 0 || partition >= log.PartitionCount)
            {
                throw new ArgumentException(
                    $"the partition ring has partition {partition} but ingest log '{log.Topic}' has {log.PartitionCount} partitions",
                    nameof(ring));
            }
        }

        _log = log;
        _ring = ring;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = new DistributorMetrics(meterFactory);
        _truncator = new AttributeTruncator(options.MaxAttributeBytes);
        _partitionLabels = new string[log.PartitionCount];
        for (var i = 0; i < _partitionLabels.Length; i++)
        {
            _partitionLabels[i] = "partition_" + i;
        }
    }

    /// <summary>The meter this distributor's instruments belong to (name <c>Tempo.Streaming.Distributor</c>).</summary>
    public Meter Meter => _metrics.Meter;

    /// <summary>Startup validation of <see cref="DistributorOptions"/>; throws with the offending key.</summary>
    public static void Validate(DistributorOptions options)
    {
        if (options.MaxAttributeBytes < 0)
        {
            throw new ArgumentException(
                $"distributor.max_attribute_bytes must be >= 0 (0 disables truncation), got {options.MaxAttributeBytes}", nameof(options));
        }

        // A record must hold at least one small trace: its entry plus the 18-byte ID entry.
        if (options.MaxRecordBytes < 64)
        {
            throw new ArgumentException($"distributor.max_record_bytes must be >= 64, got {options.MaxRecordBytes}", nameof(options));
        }
    }

    public async ValueTask<PushResult> PushAsync(string tenant, ReadOnlyMemory<byte> exportTraceServiceRequest,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var plan = Prepare(tenant, exportTraceServiceRequest);
            if (plan.Batches.Count > 0)
            {
                try
                {
                    await AppendAllAsync(tenant, plan.Batches, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // AppendAllAsync awaits every append, failed or not, so the log is done with the buffers.
                    RecordEncoder.ReturnBuffers(plan.Batches);
                }
            }

            return plan.Result;
        }
        finally
        {
            _metrics.PushDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>
    /// The synchronous part of a push: scan and validate the whole request, then build every record. Throws
    /// <see cref="PushRejectedException"/> before anything is written when the payload is malformed.
    /// </summary>
    private PushPlan Prepare(string tenant, ReadOnlyMemory<byte> request)
    {
        var tenantTag = new KeyValuePair<string, object?>("tenant", tenant);
        _metrics.IngressBytes.Add(request.Length, tenantTag);

        var workspace = PushWorkspace.Rent();
        try
        {
            new OtlpRequestScanner(request, workspace, _options.MaxAttributeBytes).Scan();
            var spanCount = workspace.SpanCount;
            if (spanCount == 0)
            {
                return new PushPlan([], new PushResult(0, 0, null));
            }

            _metrics.BytesReceived.Add(request.Length, tenantTag);
            _metrics.SpansReceived.Add(spanCount, tenantTag);

            var payload = request.Span;
            var rejected = default(RejectedSpanCounts);
            TraceRegrouper.Group(payload, workspace, ref rejected);
            if (workspace.AnyNeedsTruncation)
            {
                Truncate(tenant, workspace);
            }

            TraceRegrouper.ComputeSizes(workspace, _options.MaxRecordBytes);
            var tenantKey = TenantKey(tenant);
            var tenantHash = PartitionTokens.Fnv1(tenantKey);
            string? firstTooLarge = null;
            for (var t = 0; t < workspace.TraceCount; t++)
            {
                ref var trace = ref workspace.Traces[t];
                var traceId = payload.Slice(trace.TraceIdStart, TraceRegrouper.TraceIdLength);
                if (trace.TooLarge)
                {
                    rejected.TraceTooLarge += trace.SpanCount;
                    rejected.TraceTooLargeTraces++;
                    firstTooLarge ??= $"{Convert.ToHexStringLower(traceId)} ({trace.EncodedLength} bytes)";
                    continue;
                }

                trace.Partition = PartitionFor(PartitionTokens.Fnv1(tenantHash, traceId));
            }

            _metrics.TracesPerBatch.Record(workspace.TraceCount);
            var ordered = RecordEncoder.OrderByPartition(workspace);
            List<PartitionBatch> batches = ordered == 0
                ? []
                : RecordEncoder.Encode(payload, workspace, ordered, _options.MaxRecordBytes, tenantKey, _time.GetUtcNow());

            var message = rejected.Total == 0 ? null : Describe(tenant, rejected, firstTooLarge);
            return new PushPlan(batches, new PushResult(spanCount - rejected.Total, rejected.Total, message));
        }
        finally
        {
            PushWorkspace.Return(workspace);
        }
    }

    private int PartitionFor(uint token)
    {
        try
        {
            return _ring.PartitionFor(token);
        }
        catch (InvalidOperationException e)
        {
            throw new PushRejectedException(PushRejectionReason.LogUnavailable,
                $"no ACTIVE partition can take the push: {e.Message}; retry later", e);
        }
    }

    /// <summary>Truncates the attributes of the valid spans and of the resources and scopes they use.</summary>
    private void Truncate(string tenant, PushWorkspace workspace)
    {
        var counts = default(TruncationCounts);
        try
        {
            for (var t = 0; t < workspace.TraceCount; t++)
            {
                for (var s = workspace.Traces[t].Head; s != -1; s = workspace.Spans[s].Next)
                {
                    ref var span = ref workspace.Spans[s];
                    if (span.NeedsTruncation)
                    {
                        span.Bytes = _truncator.TruncateSpan(span.Bytes.Span, ref counts);
                        span.NeedsTruncation = false;
                    }

                    ref var scope = ref workspace.Scopes[span.Scope];
                    if (scope.NeedsTruncation)
                    {
                        scope.Scope = _truncator.TruncateScope(scope.Scope.Span, ref counts);
                        scope.NeedsTruncation = false;
                    }

                    ref var resource = ref workspace.Resources[scope.Resource];
                    if (resource.NeedsTruncation)
                    {
                        resource.Resource = _truncator.TruncateResource(resource.Resource.Span, ref counts);
                        resource.NeedsTruncation = false;
                    }
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            // The scan accepted the message, so this would be a disagreement between the two decoders.
            throw new PushRejectedException(PushRejectionReason.InvalidPayload, "invalid protobuf: " + e.Message, e);
        }

        if (counts.Total == 0)
        {
            return;
        }

        var tenantTag = new KeyValuePair<string, object?>("tenant", tenant);
        AddTruncated(counts.Resource, "resource", tenantTag);
        AddTruncated(counts.Scope, "scope", tenantTag);
        AddTruncated(counts.Span, "span", tenantTag);
        AddTruncated(counts.Event, "event", tenantTag);
        AddTruncated(counts.Link, "link", tenantTag);

        // Like Tempo, at most one truncation log line per second.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastTruncationLog);
        if (now - last >= 1000 && Interlocked.CompareExchange(ref _lastTruncationLog, now, last) == last)
        {
            _logger.AttributesTruncated(counts.Total, tenant, _options.MaxAttributeBytes);
        }
    }

    private void AddTruncated(int count, string scope, KeyValuePair<string, object?> tenantTag)
    {
        if (count > 0)
        {
            _metrics.AttributesTruncated.Add(count, tenantTag, new KeyValuePair<string, object?>("scope", scope));
        }
    }

    /// <summary>Counts discarded spans and builds the partial-success message the receivers return.</summary>
    private string Describe(string tenant, in RejectedSpanCounts rejected, string? firstTooLarge)
    {
        var message = new StringBuilder();
        if (rejected.InvalidTraceId > 0)
        {
            Discard(tenant, rejected.InvalidTraceId, DiscardReasons.InvalidTraceId, message,
                "invalid trace ID (must be 16 bytes, not all zero)");
        }

        if (rejected.InvalidSpanId > 0)
        {
            Discard(tenant, rejected.InvalidSpanId, DiscardReasons.InvalidSpanId, message,
                "invalid span ID (must be 8 bytes, not all zero)");
        }

        if (rejected.TraceTooLarge > 0)
        {
            var traces = rejected.TraceTooLargeTraces == 1 ? "1 trace" : $"{rejected.TraceTooLargeTraces} traces";
            Discard(tenant, rejected.TraceTooLarge, DiscardReasons.TraceTooLarge, message,
                $"{traces} larger than max_record_bytes ({_options.MaxRecordBytes} bytes), e.g. trace {firstTooLarge}");
        }

        return message.ToString();
    }

    private void Discard(string tenant, int count, string reason, StringBuilder message, string why)
    {
        _metrics.DiscardedSpans.Add(count,
            new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("tenant", tenant));
        _logger.SpansRejected(count, tenant, reason);
        if (message.Length > 0)
        {
            message.Append("; ");
        }

        message.Append(count).Append(count == 1 ? " span rejected: " : " spans rejected: ").Append(why);
    }

    /// <summary>The record key: the tenant's UTF-8 bytes, cached because the set of tenants is small.</summary>
    private byte[] TenantKey(string tenant)
    {
        if (_tenantKeys.TryGetValue(tenant, out var key))
        {
            return key;
        }

        key = Encoding.UTF8.GetBytes(tenant);
        if (_tenantKeys.Count < MaxCachedTenants)
        {
            _tenantKeys.TryAdd(tenant, key);
        }

        return key;
    }

    public void Dispose() => _metrics.Dispose();

    private readonly record struct PushPlan(List<PartitionBatch> Batches, PushResult Result);
}
