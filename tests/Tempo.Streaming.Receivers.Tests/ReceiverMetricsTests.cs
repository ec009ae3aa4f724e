using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Otlp;
using Tempo.Streaming.Receivers.Tests.Support;

namespace Tempo.Streaming.Receivers.Tests;

public sealed class ReceiverMetricsTests
{
    [Fact]
    public async Task Accepted_and_refused_spans_are_counted_per_transport_with_tempo_names()
    {
        await using var host = await ReceiverHost.StartAsync();
        var factory = host.App.Services.GetRequiredService<IMeterFactory>();
        var totals = new ConcurrentDictionary<string, long>();
        var published = new ConcurrentBag<Instrument>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this host's meter: other tests run hosts in parallel.
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == OtlpReceiverMetrics.MeterName)
            {
                published.Add(instrument);
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? receiver = null, transport = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "receiver") receiver = tag.Value as string;
                if (tag.Key == "transport") transport = tag.Value as string;
            }

            totals.AddOrUpdate($"{instrument.Name}{{receiver={receiver},transport={transport}}}", value, (_, v) => v + value);
        });
        listener.Start();

        host.Pusher.Respond = push => new PushResult(3, 1, "one bad span");
        var payload = Payloads.Request(4).ToByteArray();
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        (await host.Client.PostAsync("/v1/traces", content)).EnsureSuccessStatusCode();
        host.Pusher.Respond = _ => throw new PushRejectedException(PushRejectionReason.RateLimited, "slow down");
        (await GrpcClient.CallAsync(host.Client, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", GrpcClient.Frame(payload)))
            .Status.Should().Be("8");

        // The gRPC and HTTP mappings share one instrument per name, so an exporter never sees duplicate series.
        published.Select(i => i.Name).Should().OnlyHaveUniqueItems()
            .And.BeEquivalentTo(OtlpReceiverMetrics.AcceptedSpansName, OtlpReceiverMetrics.RefusedSpansName);
        totals.Should().BeEquivalentTo(new Dictionary<string, long>
        {
            ["tempo_receiver_accepted_spans{receiver=tempo/otlp_receiver,transport=http}"] = 3,
            ["tempo_receiver_refused_spans{receiver=tempo/otlp_receiver,transport=http}"] = 1,
            ["tempo_receiver_refused_spans{receiver=tempo/otlp_receiver,transport=grpc}"] = 4,
        });
    }
}
