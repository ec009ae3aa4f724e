using System.Diagnostics;

namespace Tempo.Streaming.IngestLog.Tests.Kafka;

/// <summary>
/// Runs <c>kcat</c>, a Kafka client nobody here wrote, in its own process: what it reads is what any Kafka consumer
/// (Tempo's included) would read from our topic. Installed by scripts/install-test-deps.sh; a missing kcat fails the
/// test with that instruction instead of skipping it.
/// </summary>
internal static class Kcat
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs kcat with <paramref name="arguments"/> and returns its standard output as raw bytes.</summary>
    public static async Task<byte[]> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("kcat")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kcat is not installed: run scripts/install-test-deps.sh (Debian package kcat)", e);
        }

        using (process)
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            using var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output, timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                await copy;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kcat {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds}s");
            }

            process.ExitCode.Should().Be(0, $"kcat {string.Join(' ', arguments)} should succeed; stderr: {await errors}");
            return output.ToArray();
        }
    }
}
