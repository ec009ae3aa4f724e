using System.Globalization;
using System.Net;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// A listen address in the collector's <c>endpoint: host:port</c> form: <c>localhost:4317</c>, <c>0.0.0.0:4317</c>,
/// <c>[::]:4317</c>, <c>:4317</c> (every interface). Port 0 asks the OS for a free port (tests).
/// </summary>
public readonly record struct ListenEndpoint(string Host, int Port)
{
    public bool IsAnyHost => Host.Length == 0 || Host is "0.0.0.0" or "::" or "[::]";

    public static bool TryParse(string text, out ListenEndpoint endpoint, out string? error)
    {
        endpoint = default;
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"invalid endpoint \"{text}\": expected host:port";
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            error = $"invalid endpoint \"{text}\": write IPv6 addresses in brackets, e.g. [::1]:4317";
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"invalid endpoint \"{text}\": port must be a number from 0 to 65535";
            return false;
        }

        if (host.Length > 0 && host != "localhost" && !IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = $"invalid endpoint \"{text}\": \"{host}\" is not a host name or IP address";
            return false;
        }

        endpoint = new ListenEndpoint(host, port);
        error = null;
        return true;
    }

    /// <summary>True when both would bind the same port on overlapping addresses.</summary>
    public bool Conflicts(ListenEndpoint other) =>
        Port != 0 && Port == other.Port && (IsAnyHost || other.IsAnyHost || string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
