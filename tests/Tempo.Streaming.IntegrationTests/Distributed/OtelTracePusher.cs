using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tempo.Streaming.IntegrationTests.Distributed;

/// <summary>Records traces with the .NET OpenTelemetry SDK and exports them over OTLP gRPC with its own exporter.</summary>
internal static class OtelTracePusher
{
    /// <summary>Exports <paramref name="traces"/> traces of <paramref name="spansPerTrace"/> spans; returns their hex IDs.</summary>
    public static IReadOnlyList<string> Export(Uri otlpGrpc, string batchName, int traces, int spansPerTrace)
    {
        var sourceName = "it-distributed-" + batchName;
        var ids = new List<string>(traces);
        using var source = new ActivitySource(sourceName, "1.0.0");
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout-" + batchName))
            .AddSource(sourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.Grpc;
                // The SDK gives up on an export after 10 s by default; a loaded CI machine can take longer to answer.
                o.TimeoutMilliseconds = 60_000;
                o.Endpoint = otlpGrpc;
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions = new() { MaxExportBatchSize = 64, ScheduledDelayMilliseconds = 60_000 };
            })
            .Build();
        for (var t = 0; t < traces; t++)
        {
            // A new root per trace: Activity.Current is cleared so each root starts its own trace.
            Activity.Current = null;
            using var root = source.StartActivity($"GET /cart/{t}", ActivityKind.Server)!;
            for (var s = 1; s < spansPerTrace; s++)
            {
                using var child = source.StartActivity($"step {s}", ActivityKind.Internal, root.Context)!;
                child.SetTag("step", s);
            }

            ids.Add(root.TraceId.ToHexString());
        }

        Activity.Current = null;
        provider.ForceFlush(60_000).Should().BeTrue($"the exporter must deliver batch {batchName} (the distributor acknowledges only durable pushes)");
        return ids;
    }
}
