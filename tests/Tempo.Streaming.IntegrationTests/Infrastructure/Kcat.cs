using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>
/// <c>kcat</c>, a Kafka client nobody here wrote, run as its own process to read what our producers wrote: the test's
/// independent view of which partition each record landed in.
/// </summary>
public static class Kcat
{
    /// <summary>One record as kcat printed it.</summary>
    public sealed record KcatRecord(int Partition, long Offset, string Key, int ValueBytes);

    /// <summary>Every record of <paramref name="topic"/>'s <paramref name="partition"/> from the beginning to the current end.</summary>
    public static async Task<IReadOnlyList<KcatRecord>> ReadPartitionAsync(string bootstrap, string topic, int partition)
    {
        // %p partition, %o offset, %k key, %S value size in bytes; -e exits at the end of the partition.
        var output = Encoding.UTF8.GetString(await RunAsync(bootstrap,
            ["-C", "-t", topic, "-p", partition.ToString(CultureInfo.InvariantCulture), "-o", "beginning", "-e", "-q", "-f", @"%p\t%o\t%k\t%S\n"]));
        var records = new List<KcatRecord>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length != 4)
                throw new FormatException($"unexpected kcat line \"{line}\"");
            records.Add(new KcatRecord(int.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture),
                fields[2], int.Parse(fields[3], CultureInfo.InvariantCulture)));
        }

        return records;
    }

    /// <summary>The raw value bytes of the record at <paramref name="offset"/>.</summary>
    public static Task<byte[]> ReadValueAsync(string bootstrap, string topic, int partition, long offset) =>
        RunAsync(bootstrap, ["-C", "-t", topic, "-p", partition.ToString(CultureInfo.InvariantCulture),
            "-o", offset.ToString(CultureInfo.InvariantCulture), "-c", "1", "-e", "-q", "-f", "%s"]);

    private static async Task<byte[]> RunAsync(string bootstrap, string[] args)
    {
        var psi = new ProcessStartInfo("kcat")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-b");
        psi.ArgumentList.Add(bootstrap);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kcat is not installed (scripts/install-test-deps.sh installs it): " + e.Message, e);
        }

        using (process)
        {
            using var stdout = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(cts.Token);
            await copy;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"kcat {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}");
            return stdout.ToArray();
        }
    }
}
