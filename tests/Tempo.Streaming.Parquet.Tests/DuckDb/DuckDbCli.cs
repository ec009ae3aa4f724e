using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>
/// DuckDB as an independent Parquet reader and writer: runs SQL statements in one in-memory DuckDB through
/// <c>tests/js/duckdb-query.mjs</c> (npm <c>@duckdb/node-api</c>) and returns every statement's rows. One node process
/// costs about 0.3 s, so tests batch their statements into one call.
/// Value shapes are the script's: BIGINT/UBIGINT as decimal strings, BLOB as lowercase hex, MAP as [{key, value}].
/// </summary>
internal static class DuckDbCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Script => Path.Combine(RepoPaths.JsClients, "duckdb-query.mjs");

    /// <summary>Runs the statements in order; entry i of the result is statement i's rows (objects keyed by column).</summary>
    public static JsonArray Query(params string[] statements)
    {
        EnsureInstalled();
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.JsClients,
        };
        psi.ArgumentList.Add(Script);

        Process node;
        try
        {
            node = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run node ({e.Message}): install Node.js 20 and run scripts/install-test-deps.sh", e);
        }

        using (node)
        {
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            node.StandardInput.Write(JsonSerializer.Serialize(statements));
            node.StandardInput.Close();
            if (!node.WaitForExit(Timeout))
            {
                node.Kill(entireProcessTree: true);
                throw new TimeoutException($"DuckDB did not answer within {Timeout.TotalSeconds:0} s; statements: {string.Join(" ; ", statements)}");
            }
            node.WaitForExit();
            if (node.ExitCode != 0)
                throw new DuckDbException($"DuckDB failed (exit {node.ExitCode}): {stderr.Result.Trim()}");
            return JsonNode.Parse(stdout.Result)!.AsArray();
        }
    }

    /// <summary>Rows of a single statement.</summary>
    public static JsonArray QueryRows(string statement) => Query(statement)[0]!.AsArray();

    /// <summary>A SQL string literal (file paths in COPY ... TO and read_parquet).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void EnsureInstalled()
    {
        var module = Path.Combine(RepoPaths.JsClients, "node_modules", "@duckdb", "node-api");
        if (!Directory.Exists(module))
            throw new InvalidOperationException($"DuckDB for node is missing ({module}): run scripts/install-test-deps.sh");
        if (!File.Exists(Script))
            throw new InvalidOperationException($"the DuckDB query script is missing: {Script}");
    }
}

/// <summary>DuckDB rejected a statement; the message is DuckDB's, with the statement.</summary>
internal sealed class DuckDbException(string message) : Exception(message);
