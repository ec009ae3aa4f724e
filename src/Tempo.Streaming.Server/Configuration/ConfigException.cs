namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// The configuration cannot be used. The message names the key path and, when it comes from the YAML file, the line
/// and column, e.g. <c>invalid config: unknown key "server.http_listen_prot" (line 3, column 3)</c>.
/// </summary>
public sealed class ConfigException(string message) : Exception(message)
{
    public static ConfigException At(string detail, int line, int column) =>
        new($"invalid config: {detail} (line {line}, column {column})");

    public static ConfigException Without(string detail) => new($"invalid config: {detail}");
}
