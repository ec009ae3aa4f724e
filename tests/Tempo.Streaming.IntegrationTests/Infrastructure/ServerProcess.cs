using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>
/// The real `tempo-streaming` binary started as a separate process on free loopback ports with its own data folder,
/// so tests can push to it with real clients, SIGKILL it and start it again on the same data.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, ServerPorts ports, string dataDir)
    {
        _process = process;
        Ports = ports;
        DataDir = dataDir;
    }

    public ServerPorts Ports { get; }

    public string DataDir { get; }

    public string IngestPath => Path.Combine(DataDir, "ingest");

    /// <summary>The live store's RocksDB folder (<c>live_store.path</c>).</summary>
    public string LiveStorePath => Path.Combine(DataDir, "live-store");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (stdout and stderr), for assertion messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public Uri HttpBase => new($"http://127.0.0.1:{Ports.Http}");

    public Uri OtlpGrpc => new($"http://127.0.0.1:{Ports.OtlpGrpc}");

    public Uri OtlpHttpTraces => new($"http://127.0.0.1:{Ports.OtlpHttp}/v1/traces");

    public static async Task<ServerProcess> StartAsync(string dataDir, ServerPorts? ports = null, string extraYaml = "",
        TimeSpan? readyTimeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (ports is not null)
        {
            return await StartTargetAsync(dataDir, "all", ConfigYaml(ports, dataDir) + extraYaml, ports, readyTimeout, environment);
        }

        return await StartOnFreePortsAsync(dataDir, "all", allocated => ConfigYaml(allocated, dataDir) + extraYaml,
            readyTimeout: readyTimeout, environment: environment);
    }

    /// <summary>
    /// <see cref="StartTargetAsync"/> on ports found free (<paramref name="preferred"/> first, when given). Ports found
    /// free can be taken before the server binds them (an outgoing connection of a test running alongside gets the same
    /// ephemeral port, more often the longer a loaded machine takes to start the server): then the server exits at
    /// once, and fresh ports are tried, up to three times.
    /// </summary>
    public static async Task<ServerProcess> StartOnFreePortsAsync(string dataDir, string target, Func<ServerPorts, string> configYaml,
        ServerPorts? preferred = null, TimeSpan? readyTimeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = attempt == 1 && preferred is not null ? preferred : ServerPorts.Allocate();
            try
            {
                return await StartTargetAsync(dataDir, target, configYaml(ports), ports, readyTimeout, environment);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>
    /// Starts <c>-target=<paramref name="target"/></c> with a complete config file written to the data folder, with
    /// <paramref name="environment"/> added to the process's environment (e.g. an armed crash point).
    /// </summary>
    public static async Task<ServerProcess> StartTargetAsync(string dataDir, string target, string configYaml, ServerPorts ports,
        TimeSpan? readyTimeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(dataDir);
        var configPath = Path.Combine(dataDir, "tempo-streaming.yaml");
        await File.WriteAllTextAsync(configPath, configYaml);

        var dll = RepoPaths.ServerDll;
        if (!File.Exists(dll))
            throw new InvalidOperationException($"server binary not built: {dll} (run `make test` or `dotnet build -c {RepoPaths.Configuration}`)");
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, $"-config.file={configPath}", $"-target={target}" },
            WorkingDirectory = dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[name] = value;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var server = new ServerProcess(process, ports, dataDir);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>The <c>server</c> and <c>distributor</c> sections: every listener on loopback at <paramref name="ports"/>.</summary>
    public static string ListenersYaml(ServerPorts ports) => $"""
        server:
          http_listen_address: 127.0.0.1
          http_listen_port: {ports.Http}
        distributor:
          receivers:
            otlp:
              protocols:
                grpc:
                  endpoint: 127.0.0.1:{ports.OtlpGrpc}
                http:
                  endpoint: 127.0.0.1:{ports.OtlpHttp}

        """;

    private static string ConfigYaml(ServerPorts ports, string dataDir) => ListenersYaml(ports) + $"""
        ingest:
          embedded:
            path: {Path.Combine(dataDir, "ingest")}
        live_store:
          path: {Path.Combine(dataDir, "live-store")}
        storage:
          trace:
            backend: local
            local:
              path: {Path.Combine(dataDir, "blocks")}

        """;

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"server exited with code {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(HttpBase, "/ready"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"server not ready after {timeout}:\n{Output}");
    }

    /// <summary>
    /// Waits for the process to end on its own (a crash point, <c>/shutdown</c>) and returns its exit code; throws with
    /// everything it printed when it is still running after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"server (pid {_process.Id}) still running after {timeout}:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush — what a crash or an OOM kill does.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then wait for a graceful exit.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            _ = SysKill(_process.Id, 15);
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}

/// <summary>Three free loopback ports: the Tempo API, OTLP gRPC and OTLP HTTP.</summary>
public sealed record ServerPorts(int Http, int OtlpGrpc, int OtlpHttp)
{
    public static ServerPorts Allocate()
    {
        // Bind all three at once so they are distinct; the tiny window before the server binds them is acceptable.
        var listeners = new[] { new TcpListener(IPAddress.Loopback, 0), new TcpListener(IPAddress.Loopback, 0), new TcpListener(IPAddress.Loopback, 0) };
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return new ServerPorts(ports[0], ports[1], ports[2]);
    }
}
