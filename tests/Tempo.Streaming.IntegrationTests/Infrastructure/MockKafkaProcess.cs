using System.Diagnostics;
using System.Text;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>
/// The standalone <c>mock-kafka</c> tool (librdkafka's mock cluster) as a separate process: a Kafka-protocol broker on
/// 127.0.0.1 that every component process and <c>kcat</c> connect to. It lives as long as this object (its stdin stays
/// open; closing it stops the broker).
/// </summary>
public sealed class MockKafkaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _bootstrap = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MockKafkaProcess(Process process) => _process = process;

    public string BootstrapServers { get; private set; } = "";

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static string Dll => Path.Combine(RepoPaths.Root, "tools", "mock-kafka", "bin", RepoPaths.Configuration, "net10.0", "mock-kafka.dll");

    /// <summary>Starts the broker with <paramref name="topics"/> (<c>name:partitions</c>) and waits for its address.</summary>
    public static async Task<MockKafkaProcess> StartAsync(params string[] topics)
    {
        if (!File.Exists(Dll))
            throw new InvalidOperationException($"mock-kafka not built: {Dll} (run `make test` or `dotnet build -c {RepoPaths.Configuration}`)");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var topic in topics)
        {
            psi.ArgumentList.Add("--topic");
            psi.ArgumentList.Add(topic);
        }

        var process = new Process { StartInfo = psi };
        var mock = new MockKafkaProcess(process);
        process.OutputDataReceived += (_, e) => mock.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => mock.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = await Task.WhenAny(mock._bootstrap.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (started != mock._bootstrap.Task)
        {
            await mock.DisposeAsync();
            throw new TimeoutException($"mock-kafka printed no BOOTSTRAP= line within 30 s:\n{mock.Output}");
        }

        mock.BootstrapServers = await mock._bootstrap.Task;
        return mock;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.StartsWith("BOOTSTRAP=", StringComparison.Ordinal))
            _bootstrap.TrySetResult(line["BOOTSTRAP=".Length..]);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
