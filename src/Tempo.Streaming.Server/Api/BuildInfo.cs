using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Tempo.Streaming.Server.Api;

/// <summary>
/// Build information in the shape of Prometheus' <c>PrometheusVersion</c>, which Tempo returns from
/// <c>/api/status/buildinfo</c>: <c>version, revision, branch, buildUser, buildDate, goVersion</c>. There is no Go here:
/// <c>goVersion</c> carries the .NET runtime version (e.g. <c>.NET 10.0.12</c>) so clients that show it still show the runtime.
/// Revision, branch and build user are stamped by the project file at build time (git), the build date is the
/// assembly's write time.
/// </summary>
public sealed record BuildInfo(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("revision")] string Revision,
    [property: JsonPropertyName("branch")] string Branch,
    [property: JsonPropertyName("buildUser")] string BuildUser,
    [property: JsonPropertyName("buildDate")] string BuildDate,
    [property: JsonPropertyName("goVersion")] string GoVersion)
{
    public static BuildInfo Current { get; } = Read();

    /// <summary>Prometheus' <c>version.Print</c> text, as Tempo's <c>/status/version</c> shows it.</summary>
    public string ToText() =>
        $"tempo-streaming, version {Version} (branch: {Branch}, revision: {Revision})\n" +
        $"  build user:       {BuildUser}\n" +
        $"  build date:       {BuildDate}\n" +
        $"  go version:       {GoVersion}\n" +
        $"  platform:         {Platform()}\n" +
        "  tags:             unknown\n";

    private static BuildInfo Read()
    {
        var assembly = typeof(BuildInfo).Assembly;
        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+');
        if (plus >= 0)
        {
            version = version[..plus];
        }

        var buildDate = "unknown";
        if (!string.IsNullOrEmpty(assembly.Location) && File.Exists(assembly.Location))
        {
            // Prometheus' build date layout: 20060102-15:04:05.
            buildDate = File.GetLastWriteTimeUtc(assembly.Location).ToString("yyyyMMdd-HH:mm:ss", CultureInfo.InvariantCulture);
        }

        return new BuildInfo(
            version,
            Value(metadata, "Revision"),
            Value(metadata, "Branch"),
            Value(metadata, "BuildUser"),
            buildDate,
            RuntimeInformation.FrameworkDescription);
    }

    private static string Value(Dictionary<string, string?> metadata, string key) =>
        metadata.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : "unknown";

    private static string Platform() =>
        $"{(OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "unknown")}/" +
        RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
}
