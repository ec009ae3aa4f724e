using System.Collections.Concurrent;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Distributor;

namespace Tempo.Streaming.Receivers.Tests.Support;

public sealed record RecordedPush(string Tenant, byte[] Payload)
{
    public ExportTraceServiceRequest Request => ExportTraceServiceRequest.Parser.ParseFrom(Payload);
}

/// <summary>
/// Stands in for the distributor: records every push (copying the bytes, since the receiver's buffer is pooled) and
/// answers like it would: malformed protobuf is a whole-request <see cref="PushRejectedException"/>, otherwise every
/// span is accepted, unless a test sets <see cref="Respond"/>.
/// </summary>
public sealed class RecordingTracePusher : ITracePusher
{
    public ConcurrentQueue<RecordedPush> Pushes { get; } = new();

    /// <summary>Replaces the default answer; may throw <see cref="PushRejectedException"/>.</summary>
    public Func<RecordedPush, PushResult>? Respond { get; set; }

    public RecordedPush Single()
    {
        Pushes.Should().HaveCount(1);
        Pushes.TryPeek(out var push).Should().BeTrue();
        return push!;
    }

    public ValueTask<PushResult> PushAsync(string tenant, ReadOnlyMemory<byte> exportTraceServiceRequest, CancellationToken cancellationToken)
    {
        var push = new RecordedPush(tenant, exportTraceServiceRequest.ToArray());
        Pushes.Enqueue(push);
        if (Respond is not null)
        {
            return ValueTask.FromResult(Respond(push));
        }

        ExportTraceServiceRequest request;
        try
        {
            request = push.Request;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PushRejectedException(PushRejectionReason.InvalidPayload, $"malformed OTLP protobuf: {e.Message}", e);
        }

        long spans = 0;
        foreach (var rs in request.ResourceSpans)
        {
            foreach (var ss in rs.ScopeSpans)
            {
                spans += ss.Spans.Count;
            }
        }

        return ValueTask.FromResult(new PushResult(spans, 0, null));
    }
}
