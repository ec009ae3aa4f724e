using System.Diagnostics;
using Tempo.Streaming.Cli.Load;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>Runs <c>tempo-streaming-cli</c> (built next to the tests) as its own process, the way an operator does.</summary>
internal static class CliProcess
{
    /// <summary>Runs the CLI with <paramref name="args"/>, expects exit code 0 and returns its standard output.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var dll = Path.Combine(Path.GetDirectoryName(typeof(LoadRunner).Assembly.Location)!, "tempo-streaming-cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "250";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        process.ExitCode.Should().Be(0, await stderr + await stdout);
        return await stdout;
    }
}
