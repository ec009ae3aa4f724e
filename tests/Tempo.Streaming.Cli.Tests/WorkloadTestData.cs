using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Tests;

/// <summary>A large sample of the workload, generated once and shared by the statistics tests.</summary>
public sealed class WorkloadSample
{
    public const long Seed = 42;
    public static readonly DateTimeOffset BaseTime = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    public const int TraceCount = 20_000;

    public WorkloadSample()
    {
        Workload = new ShopWorkload(Seed, BaseTime);
        var encoder = Workload.CreateEncoder();
        var writer = new ProtoBufferWriter();
        var requests = new List<ExportTraceServiceRequest>();
        long bytes = 0;
        long spans = 0;
        for (long first = 0; first < TraceCount;)
        {
            var traces = Workload.TracesForBatch(first, 1000, TraceCount, out _);
            spans += encoder.Encode(first, traces, writer);
            bytes += writer.Position;
            requests.Add(ExportTraceServiceRequest.Parser.ParseFrom(writer.WrittenSpan));
            first += traces;
        }
        Requests = requests;
        ProtobufBytes = bytes;
        SpanCount = spans;
    }

    public ShopWorkload Workload { get; }

    public IReadOnlyList<ExportTraceServiceRequest> Requests { get; }

    public long ProtobufBytes { get; }

    public long SpanCount { get; }

    public IEnumerable<(ResourceSpans Resource, ScopeSpans Scope, Span Span)> AllSpans()
    {
        foreach (var request in Requests)
        {
            foreach (var resource in request.ResourceSpans)
            {
                foreach (var scope in resource.ScopeSpans)
                {
                    foreach (var span in scope.Spans)
                    {
                        yield return (resource, scope, span);
                    }
                }
            }
        }
    }
}

[CollectionDefinition(nameof(WorkloadSampleCollection))]
public sealed class WorkloadSampleCollection : ICollectionFixture<WorkloadSample>;
