using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tempo.Streaming.Blocks.Tests.Infrastructure;

/// <summary>
/// A real S3 server for tests: npm <c>s3rver@3.7.1</c> (tests/js/node_modules) on a free loopback port with one bucket,
/// data in a temporary folder. s3rver checks the access key ID (<see cref="AccessKey"/>) but not SigV4 signatures;
/// node needs <c>--openssl-legacy-provider</c> or every truncated (paged) listing fails with HTTP 500.
/// </summary>
public sealed class S3rverProcess : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly string _dataFolder;
    private readonly StringBuilder _output = new();

    private S3rverProcess(Process process, string dataFolder, int port, string bucket)
    {
        _process = process;
        _dataFolder = dataFolder;
        Port = port;
        Bucket = bucket;
    }

    public int Port { get; }

    public string Bucket { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Starts s3rver and waits (up to 30 s) until it answers HTTP.</summary>
    public static async Task<S3rverProcess> StartAsync(string bucket)
    {
        var script = Path.Combine(RepoPaths.JsFolder, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"s3rver is not installed ({script} is missing): run scripts/install-test-deps.sh");
        }

        var dataFolder = Path.Combine(Path.GetTempPath(), "tempo-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataFolder);
        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--openssl-legacy-provider", script, "-d", dataFolder, "-a", "127.0.0.1", "-p", port.ToString(),
                     "--no-vhost-buckets", "--silent", "--configure-bucket", bucket,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start (is node on PATH?)");
        var server = new S3rverProcess(process, dataFolder, port, bucket);
        process.OutputDataReceived += (_, e) => server.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => server.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"s3rver exited with code {_process.ExitCode} during startup: {Output}");
            }

            try
            {
                // Any HTTP answer (s3rver answers an anonymous GET / with an error document) means it is serving.
                using var response = await http.GetAsync(Endpoint + "/");
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"s3rver did not answer on {Endpoint} within {timeout}: {Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Everything the server printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
