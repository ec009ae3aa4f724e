using System.Diagnostics;

namespace Tempo.Streaming.Cli.Tests.Blocks;

/// <summary>Runs the built <c>tempo-streaming-cli</c> as an operator would: a separate process, stdout, stderr, exit code.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tempo-streaming-cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
