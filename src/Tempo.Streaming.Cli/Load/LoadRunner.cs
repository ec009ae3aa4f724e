using System.Diagnostics;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;

namespace Tempo.Streaming.Cli.Load;

/// <summary>A batch the server acknowledged: traces [FirstTrace, FirstTrace + TraceCount).</summary>
public readonly record struct AcknowledgedBatch(long FirstTrace, int TraceCount, int SpanCount, long RejectedSpans, TimeSpan Latency);

/// <summary>
/// Runs the <c>load</c> command: <see cref="LoadOptions.Concurrency"/> senders each take the next batch (generated
/// or read from <c>--in</c>), wait for the rate pacer, send it and record the outcome; or, with <c>--out</c>, one
/// writer records the batches to a file. No retries: a failed batch is counted and its traces are not acknowledged.
/// </summary>
public sealed class LoadRunner
{
    private readonly LoadOptions _options;
    private readonly LoadStatistics _statistics = new();

    public LoadRunner(LoadOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid load options: " + string.Join("; ", problems), nameof(options));
        }
        _options = options;
    }

    /// <summary>Raised on the sender's thread after each acknowledged batch (and after it is in --acked-out).</summary>
    public event Action<AcknowledgedBatch>? BatchAcknowledged;

    public LoadProgress Progress => _statistics.Snapshot();

    /// <summary>
    /// Runs until the trace limit, the duration, the end of the input file, or <paramref name="stop"/>; requests
    /// in flight when it stops are allowed to finish (each within the request timeout).
    /// </summary>
    public async Task<LoadSummary> RunAsync(CancellationToken stop)
    {
        using var source = CreateSource();
        var clock = Stopwatch.StartNew();
        if (_options.OutputFile is { } outputFile)
        {
            await Task.Run(() => Record(source, outputFile, stop), CancellationToken.None).ConfigureAwait(false);
            return _statistics.Summarize("out", clock.Elapsed);
        }

        using var transport = CreateTransport();
        using var ackedLog = _options.AckedOutputFile is { } path ? new AckedTraceLog(path, source.Workload) : null;
        var pacer = new RatePacer(_options.Rate, _options.BatchSpans);
        var senders = new Task[_options.Concurrency];
        for (var i = 0; i < senders.Length; i++)
        {
            var sender = new SenderState(i, _options.InputFile is null ? source.Workload.CreateEncoder() : null);
            senders[i] = Task.Run(() => SendLoopAsync(sender, source, transport, pacer, ackedLog, stop), CancellationToken.None);
        }
        await Task.WhenAll(senders).ConfigureAwait(false);
        return _statistics.Summarize(_options.Protocol.ToString(), clock.Elapsed);
    }

    private BatchSource CreateSource()
    {
        if (_options.InputFile is { } input)
        {
            return new FileBatchSource(input, _options.Traces, _options.Duration);
        }
        var workload = new ShopWorkload(_options.Seed, _options.StartTime ?? DateTimeOffset.UtcNow);
        var duration = _options.Traces is null && _options.Duration is null ? TimeSpan.FromSeconds(30) : _options.Duration;
        return new GeneratedBatchSource(workload, _options.FirstTrace, _options.Traces, duration, _options.BatchSpans);
    }

    private IExportTransport CreateTransport()
    {
        var uri = _options.ResolveEndpoint();
        return _options.Protocol == LoadProtocol.OtlpGrpc
            ? new GrpcExportTransport(uri, _options.Connections, _options.Tenant)
            : new HttpExportTransport(uri, _options.Protocol == LoadProtocol.OtlpHttpJson, _options.Concurrency, _options.Tenant);
    }

    private void Record(BatchSource source, string path, CancellationToken stop)
    {
        var workload = source.Workload;
        using var writer = new BatchFileWriter(path, new BatchFileHeader(workload.Seed, workload.BaseTimeUnixNano));
        var sender = new SenderState(0, workload.CreateEncoder());
        while (source.TryNext(sender, stop, out var batch))
        {
            writer.Write(batch, sender.Request.Span);
            _statistics.Acknowledged(batch, 0, sender.Request.Length, BatchFile.RecordHeaderBytes + sender.Request.Length);
            BatchAcknowledged?.Invoke(new AcknowledgedBatch(batch.FirstTrace, batch.TraceCount, batch.SpanCount, 0, TimeSpan.Zero));
        }
    }

    private async Task SendLoopAsync(SenderState sender, BatchSource source, IExportTransport transport, RatePacer pacer,
        AckedTraceLog? ackedLog, CancellationToken stop)
    {
        var bodies = new RequestBodyBuilder(_options.Protocol, _options.Gzip);
        var latencies = _statistics.CreateLatencyList();
        while (source.TryNext(sender, stop, out var batch))
        {
            try
            {
                await pacer.WaitAsync(batch.SpanCount, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // stopped while waiting: this batch was never sent
            }

            var body = bodies.Build(sender.Request);
            ExportOutcome outcome;
            _statistics.RequestStarted();
            var started = Stopwatch.GetTimestamp();
            using (var timeout = new CancellationTokenSource(_options.RequestTimeout))
            {
                try
                {
                    outcome = await transport.SendAsync(body, _options.Gzip, sender.Index, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    outcome = ExportOutcome.Failed("timeout", $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
                }
                catch (HttpRequestException e)
                {
                    outcome = ExportOutcome.Failed($"exception HttpRequestException/{e.HttpRequestError}", Describe(e));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Anything else a request can throw (an unparseable response, a reset stream) is this batch's
                    // failure, reported by type; the run goes on.
                    outcome = ExportOutcome.Failed($"exception {e.GetType().Name}", Describe(e));
                }
                finally
                {
                    _statistics.RequestEnded();
                }
            }
            var latency = Stopwatch.GetElapsedTime(started);
            latencies.Add(latency.TotalMilliseconds);

            if (outcome.Acknowledged)
            {
                ackedLog?.Append(batch.FirstTrace, batch.TraceCount);
                _statistics.Acknowledged(batch, outcome.RejectedSpans, sender.Request.Length, body.Length);
                BatchAcknowledged?.Invoke(new AcknowledgedBatch(batch.FirstTrace, batch.TraceCount, batch.SpanCount,
                    outcome.RejectedSpans, latency));
            }
            else
            {
                _statistics.Failed(batch, outcome.ErrorKind!, outcome.ErrorMessage ?? "");
            }
        }
    }

    /// <summary>The innermost message, which names the real cause (e.g. "Connection refused (localhost:4317)").</summary>
    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return ReferenceEquals(inner, e) ? e.Message : $"{e.Message} ({inner.Message})";
    }
}
