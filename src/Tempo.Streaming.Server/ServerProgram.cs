using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Server.Api;
using Tempo.Streaming.Server.CommandLine;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;
using Tempo.Streaming.Server.Lifecycle;

namespace Tempo.Streaming.Server;

/// <summary>
/// What <c>tempo-streaming</c> does with its command line: parse Tempo's flags, load and validate the configuration,
/// refuse targets this build cannot run, then run the server until SIGTERM/Ctrl-C. Exit code 0 after a clean shutdown,
/// 1 for bad flags, an invalid configuration, an unrunnable target, a listener that cannot bind or a failed component.
/// </summary>
public static class ServerProgram
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ServerArguments arguments;
        try
        {
            arguments = ServerArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"tempo-streaming: {e.Message}");
            await stderr.WriteAsync(ServerArguments.Usage());
            return 1;
        }

        if (arguments.ShowHelp)
        {
            await stdout.WriteAsync(ServerArguments.Usage());
            return 0;
        }

        if (arguments.ShowVersion)
        {
            await stdout.WriteAsync(BuildInfo.Current.ToText());
            return 0;
        }

        TempoConfig config;
        try
        {
            config = LoadConfig(arguments);
        }
        catch (ConfigException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }

        if (arguments.ConfigVerify)
        {
            await stdout.WriteLineAsync("config is valid");
            return 0;
        }

        await using var app = TempoServer.Build(config);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tempo.Streaming.Server");
        var registry = app.Services.GetRequiredService<ServiceRegistry>();
        Log.Starting(logger, BuildInfo.Current.Version, config.Target, arguments.ConfigFile ?? "built-in defaults");
        try
        {
            await app.RunAsync();
        }
        catch (IOException e)
        {
            // Kestrel reports "address already in use" and similar binding failures this way.
            await stderr.WriteLineAsync($"tempo-streaming: cannot listen: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (registry.Services.Any(s => s.State == ServiceState.Failed))
        {
            // A component failed so early that the listeners had not bound yet; the failure is already logged.
            return 1;
        }

        Log.Stopped(logger);
        return registry.Services.Any(s => s.State == ServiceState.Failed) ? 1 : 0;
    }

    /// <summary>
    /// The file (or the defaults), then the command line on top, as Tempo: <c>-target</c> overrides <c>target:</c>.
    /// </summary>
    public static TempoConfig LoadConfig(ServerArguments arguments)
    {
        var config = arguments.ConfigFile is { } path ? ConfigLoader.LoadFile(path, arguments.ConfigExpandEnv) : TempoConfig.Default;
        if (arguments.Target is { } target)
        {
            config = config with { Target = target };
        }

        if ((ServerTargets.CheckRunnable(config.Target) ?? ServerTargets.CheckConfig(config)) is { } error)
        {
            throw ConfigException.Without(error);
        }

        return config;
    }
}
