using System.Diagnostics;
using System.Globalization;
using Tempo.Streaming.Server.Api;

namespace Tempo.Streaming.Server.Metrics;

/// <summary>
/// The standard <c>process_*</c> metrics every Prometheus client exports (names and meanings of client_golang's process
/// collector, so existing dashboards work), and Tempo's <c>tempo_build_info</c>.
/// </summary>
internal static class ProcessMetrics
{
    public static void AddTo(PrometheusFamilies families)
    {
        using var process = Process.GetCurrentProcess();
        families.AddSample("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
            process.TotalProcessorTime.TotalSeconds);
        families.AddSample("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", process.WorkingSet64);
        families.AddSample("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", process.VirtualMemorySize64);
        families.AddSample("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
            new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        if (OperatingSystem.IsLinux())
        {
            if (OpenFileDescriptors() is { } open)
            {
                families.AddSample("process_open_fds", "gauge", "Number of open file descriptors.", open);
            }

            if (MaxFileDescriptors() is { } max)
            {
                families.AddSample("process_max_fds", "gauge", "Maximum number of open file descriptors.", max);
            }
        }

        var build = BuildInfo.Current;
        families.AddSample("tempo_build_info", "gauge",
            "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which tempo was built.",
            1,
            new("version", build.Version), new("revision", build.Revision), new("branch", build.Branch),
            new("goversion", build.GoVersion));
    }

    private static int? OpenFileDescriptors()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double? MaxFileDescriptors()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var soft)
                    ? soft
                    : null;
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
