using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>One timed DuckDB run: wall time and the node process's CPU time (DuckDB's native threads included).</summary>
internal sealed record DuckDbRun(double WallMs, double CpuMs);

/// <summary>What tests/js/duckdb-bench.mjs printed: the query's value and the timed runs after its warm-up.</summary>
internal sealed record DuckDbTiming(string Result, IReadOnlyList<DuckDbRun> Runs);

/// <summary>
/// Runs SQL in DuckDB through node (tests/js/duckdb-bench.mjs and the @duckdb/node-api module next to it), one
/// thread, so its CPU time is comparable with our single-threaded scan.
/// </summary>
internal sealed class DuckDbBench(string node, string script)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public async Task<DuckDbTiming> RunAsync(IReadOnlyList<string> files, string sql, int runs, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(script));
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{node}'");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"could not start '{node}' (--node): {e.Message}", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardInput.WriteAsync(JsonSerializer.Serialize(new { files, sql, runs, threads = 1 }, Json));
            process.StandardInput.Close();
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{node} {script} failed (exit code {process.ExitCode}): {(await stderr).Trim()}");
            }
            return JsonSerializer.Deserialize<DuckDbTiming>(await stdout, Json)
                ?? throw new InvalidOperationException($"{script} printed no result");
        }
    }
}
