using System.Diagnostics;
using System.Text.Json;

namespace Tempo.Streaming.Blocks.Tests.Infrastructure;

/// <summary>
/// Reads values out of Parquet files with DuckDB (npm <c>@duckdb/node-api</c> under tests/js), a reader nobody here
/// wrote: used to get the trace IDs of Tempo's test block independently of our own Parquet reader.
/// </summary>
public static class DuckDbQuery
{
    /// <summary>The single column of every row of <paramref name="sql"/>, as strings (DuckDB's JSON form).</summary>
    public static async Task<List<string>> ColumnAsync(string sql, TimeSpan timeout)
    {
        var duckDb = Path.Combine(RepoPaths.JsFolder, "node_modules", "@duckdb", "node-api");
        if (!Directory.Exists(duckDb))
        {
            throw new InvalidOperationException($"DuckDB for node is not installed at {duckDb}: run scripts/install-test-deps.sh");
        }

        // The query travels in an environment variable, so no quoting of SQL inside JavaScript is needed.
        const string Script = """
            import { DuckDBInstance } from '@duckdb/node-api';
            const connection = await (await DuckDBInstance.create(':memory:')).connect();
            const reader = await connection.runAndReadAll(process.env.DUCKDB_SQL);
            process.stdout.write(JSON.stringify(reader.getRowsJson().map(row => row[0])));
            """;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.JsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--input-type=module");
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Script);
        start.Environment["DUCKDB_SQL"] = sql;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"DuckDB query did not finish within {timeout}: {sql}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"DuckDB query failed (exit {process.ExitCode}): {await stderr}\nSQL: {sql}");
        }

        var values = JsonSerializer.Deserialize<List<JsonElement>>(await stdout) ?? [];
        var result = new List<string>(values.Count);
        foreach (var value in values)
        {
            result.Add(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
        }

        return result;
    }

    /// <summary>Every trace ID (16 bytes) of a vParquet4 <c>data.parquet</c>, in file order.</summary>
    public static async Task<List<byte[]>> TraceIdsAsync(string dataParquetPath)
    {
        var hex = await ColumnAsync(
            $"select hex(TraceID) from read_parquet('{dataParquetPath.Replace("'", "''", StringComparison.Ordinal)}')",
            TimeSpan.FromSeconds(60));
        var ids = new List<byte[]>(hex.Count);
        foreach (var h in hex)
        {
            ids.Add(Convert.FromHexString(h));
        }

        return ids;
    }
}
