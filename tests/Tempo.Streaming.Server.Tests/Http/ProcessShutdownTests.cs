using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

/// <summary>The real binary: config file, startup line with the bound ports, SIGTERM → clean exit with the log closed.</summary>
public sealed partial class ProcessShutdownTests
{
    [Fact]
    public async Task Sigterm_drains_closes_the_log_and_exits_0()
    {
        var dataRoot = Directory.CreateTempSubdirectory("tempo-process-test-").FullName;
        var configPath = Path.Combine(dataRoot, "tempo.yaml");
        await File.WriteAllTextAsync(configPath, $$"""
            server:
              http_listen_address: 127.0.0.1
              http_listen_port: ${TEST_HTTP_PORT:-0}
            distributor:
              receivers:
                otlp:
                  protocols:
                    grpc:
                      endpoint: 127.0.0.1:0
                    http:
                      endpoint: 127.0.0.1:0
            ingest:
              embedded:
                path: {{dataRoot}}/ingest
                partitions: 2
            storage:
              trace:
                local:
                  path: {{dataRoot}}/blocks
            """);
        var output = new StringBuilder();
        var readyLine = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = StartServer(["-config.file", configPath, "--config.expand-env", "-target=all"], dataRoot, line =>
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.Contains("tempo-streaming listening:", StringComparison.Ordinal))
            {
                readyLine.TrySetResult(line);
            }
        });
        try
        {
            var ready = await readyLine.Task.WaitAsync(TimeSpan.FromSeconds(60));
            ready.Should().MatchRegex(@"tempo-streaming listening: http=127\.0\.0\.1:\d+ \(HTTP/1\.1 \+ h2c gRPC\) otlp-grpc=127\.0\.0\.1:\d+ otlp-http=127\.0\.0\.1:\d+ target=all");
            var httpPort = int.Parse(HttpPort().Match(ready).Groups[1].Value);
            var otlpHttpPort = int.Parse(OtlpHttpPort().Match(ready).Groups[1].Value);
            httpPort.Should().BeGreaterThan(0);

            using var client = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await client.GetAsync($"http://127.0.0.1:{httpPort}/ready")).StatusCode != HttpStatusCode.OK)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "the server becomes ready");
                await Task.Delay(20);
            }

            var request = Spans.Request(traces: 5, spansPerTrace: 2, seed: 31);
            using var content = new ByteArrayContent(request.ToByteArray())
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") },
            };
            (await client.PostAsync($"http://127.0.0.1:{otlpHttpPort}/v1/traces", content)).StatusCode.Should().Be(HttpStatusCode.OK);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            process.WaitForExit(); // flushes the redirected output
            string log;
            lock (output)
            {
                log = output.ToString();
            }

            process.ExitCode.Should().Be(0, log);
            log.Should().Contain("Shutdown requested").And.Contain($"Ingest log {dataRoot}/ingest closed").And.Contain("tempo-streaming stopped");

            await using var reopened = EmbeddedIngestLog.Open(new Tempo.Streaming.IngestLog.EmbeddedLogOptions
            {
                Path = Path.Combine(dataRoot, "ingest"), Partitions = 2,
            });
            (await LogContents.SpanIdsAsync(reopened)).Should().BeEquivalentTo(Spans.SpanIds(request));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            Directory.Delete(dataRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Process_exits_1_on_an_invalid_config()
    {
        var dataRoot = Directory.CreateTempSubdirectory("tempo-process-test-").FullName;
        var configPath = Path.Combine(dataRoot, "tempo.yaml");
        await File.WriteAllTextAsync(configPath, "ingest:\n  embedded:\n    retention_period: 5x\n");
        var output = new StringBuilder();
        try
        {
            using var process = StartServer([$"-config.file={configPath}"], dataRoot, line =>
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            });
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            process.WaitForExit();

            process.ExitCode.Should().Be(1);
            output.ToString().Should().Contain("invalid config: ingest.embedded.retention_period: invalid value \"5x\"")
                .And.Contain("(line 3, column 23)");
        }
        finally
        {
            Directory.Delete(dataRoot, recursive: true);
        }
    }

    private static Process StartServer(string[] args, string workingDirectory, Action<string> onLine)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "tempo-streaming.dll");
        File.Exists(serverDll).Should().BeTrue($"the server binary is built next to the tests ({serverDll})");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(serverDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [GeneratedRegex(@" http=\S*:(\d+) ")]
    private static partial Regex HttpPort();

    [GeneratedRegex(@" otlp-http=\S*:(\d+)")]
    private static partial Regex OtlpHttpPort();
}
