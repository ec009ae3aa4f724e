using System.Text;

namespace Tempo.Streaming.Server.CommandLine;

/// <summary>
/// The command line of <c>tempo-streaming</c>, parsed with Go's <c>flag</c> package rules because that is what Tempo's
/// users type: <c>-name=value</c>, <c>-name value</c>, <c>--name=value</c>; a boolean flag alone means true and takes a
/// value only as <c>-name=false</c>; <c>--</c> or the first non-flag argument ends the flags.
/// </summary>
public sealed record ServerArguments
{
    /// <summary><c>-config.file</c>: YAML configuration; without it the embedded defaults apply.</summary>
    public string? ConfigFile { get; init; }

    /// <summary><c>-config.expand-env</c>: expand <c>${VAR}</c> references in the config file first.</summary>
    public bool ConfigExpandEnv { get; init; }

    /// <summary><c>-config.verify</c>: validate the configuration and exit (0 valid, 1 invalid), as Tempo.</summary>
    public bool ConfigVerify { get; init; }

    /// <summary><c>-target</c>: overrides <c>target:</c> from the file.</summary>
    public string? Target { get; init; }

    /// <summary><c>-version</c>: print the build's version and exit.</summary>
    public bool ShowVersion { get; init; }

    /// <summary><c>-h</c>/<c>-help</c>.</summary>
    public bool ShowHelp { get; init; }

    private enum Kind
    {
        String,
        Bool,

        /// <summary>
        /// Generic-host settings (<c>--environment</c>, <c>--contentRoot</c>, <c>--applicationName</c>) that
        /// WebApplicationFactory passes to the entry point; accepted and ignored, not shown in the usage.
        /// </summary>
        HostSetting,
    }

    private static readonly (string Name, Kind Kind, string Help)[] Flags =
    [
        ("config.file", Kind.String, "Configuration file to load (YAML). Without it the built-in defaults are used."),
        ("config.expand-env", Kind.Bool, "Expand ${VAR} and ${VAR:-default} environment references in the config file."),
        ("config.verify", Kind.Bool, "Verify the configuration and exit."),
        ("target", Kind.String, "Components to run: all (default), distributor, live-store, querier, query-frontend, compactor."),
        ("version", Kind.Bool, "Print this build's version information and exit."),
        ("help", Kind.Bool, "Show this help."),
        ("h", Kind.Bool, "Show this help."),
        ("environment", Kind.HostSetting, ""),
        ("contentRoot", Kind.HostSetting, ""),
        ("applicationName", Kind.HostSetting, ""),
    ];

    /// <exception cref="ArgumentException">an unknown flag, a missing or malformed value, or a stray argument.</exception>
    public static ServerArguments Parse(IReadOnlyList<string> args)
    {
        var result = new ServerArguments();
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }

            if (arg.Length < 2 || arg[0] != '-' || arg == "-")
            {
                break;
            }

            var body = arg[1] == '-' ? arg[2..] : arg[1..];
            if (body.Length == 0 || body[0] is '-' or '=')
            {
                throw new ArgumentException($"bad flag syntax: {arg}");
            }

            var equals = body.IndexOf('=');
            var name = equals < 0 ? body : body[..equals];
            var inlineValue = equals < 0 ? null : body[(equals + 1)..];
            var flag = Array.FindIndex(Flags, f => f.Name == name);
            if (flag < 0)
            {
                throw new ArgumentException($"flag provided but not defined: -{name}");
            }

            i++;
            string value;
            if (Flags[flag].Kind == Kind.Bool)
            {
                value = inlineValue ?? "true";
                if (!bool.TryParse(value, out _) && value is not ("1" or "0" or "t" or "f" or "T" or "F"))
                {
                    throw new ArgumentException($"invalid boolean value \"{value}\" for -{name}");
                }
            }
            else if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i < args.Count)
            {
                value = args[i++];
            }
            else
            {
                throw new ArgumentException($"flag needs an argument: -{name}");
            }

            var on = value is "true" or "True" or "TRUE" or "1" or "t" or "T";
            result = name switch
            {
                "config.file" => result with { ConfigFile = value },
                "config.expand-env" => result with { ConfigExpandEnv = on },
                "config.verify" => result with { ConfigVerify = on },
                "target" => result with { Target = value },
                "version" => result with { ShowVersion = on },
                "help" or "h" => result with { ShowHelp = on },
                _ => result,
            };
        }

        if (i < args.Count)
        {
            throw new ArgumentException($"unexpected argument \"{args[i]}\": tempo-streaming takes only flags");
        }

        return result;
    }

    public static string Usage()
    {
        var sb = new StringBuilder("Usage of tempo-streaming:\n");
        foreach (var (name, kind, help) in Flags)
        {
            if (name == "h" || kind == Kind.HostSetting)
            {
                continue;
            }

            sb.Append("  -").Append(name).Append(kind == Kind.String ? " string" : "").Append('\n');
            sb.Append("        ").Append(help).Append('\n');
        }

        return sb.ToString();
    }
}
