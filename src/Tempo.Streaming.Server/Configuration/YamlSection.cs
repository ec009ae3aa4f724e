using System.Globalization;
using Tempo.Streaming.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// Strict reader over one YAML mapping of the config file. Each key is read by name; whatever the binder did not read
/// is an unknown key and stops startup, like Tempo's <c>yaml.UnmarshalStrict</c>. Every error names the dotted key path
/// and the line and column of the offending node, so <c>server.http_listen_prot</c> is reported where it is written.
/// </summary>
internal sealed class YamlSection
{
    private readonly YamlMappingNode? _mapping;
    private readonly string _path;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private YamlSection(YamlMappingNode? mapping, string path)
    {
        _mapping = mapping;
        _path = path;
        if (mapping is null)
        {
            return;
        }

        foreach (var key in mapping.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: not null })
            {
                throw ConfigException.At($"{Describe("")}: keys must be plain names", Line(key), Column(key));
            }
        }
    }

    public static YamlSection Root(YamlMappingNode? mapping) => new(mapping, "");

    /// <summary>True when the key is written in the file (even with an empty value).</summary>
    public bool Has(string key) => Find(key) is not null;

    /// <summary>
    /// The nested mapping under <paramref name="key"/>; null when the key is absent. An empty value
    /// (<c>grpc:</c> with nothing after it) is a present, empty section — the collector's way to enable a protocol with defaults.
    /// </summary>
    public YamlSection? Section(string key)
    {
        var node = Consume(key);
        return node switch
        {
            null => null,
            YamlMappingNode mapping => new YamlSection(mapping, PathOf(key)),
            YamlScalarNode scalar when IsNull(scalar) => new YamlSection(null, PathOf(key)),
            _ => throw ConfigException.At($"{PathOf(key)}: expected a mapping of keys, found {Kind(node)}", Line(node), Column(node)),
        };
    }

    public string? String(string key)
    {
        var scalar = Scalar(key);
        return scalar?.Value;
    }

    public bool? Bool(string key)
    {
        var scalar = Scalar(key);
        if (scalar is null)
        {
            return null;
        }

        return scalar.Value!.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Invalid(key, scalar, "expected true or false"),
        };
    }

    /// <summary>An integer within [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="rule"/> explains the range.</summary>
    public long? Integer(string key, long min, long max, string rule)
    {
        var scalar = Scalar(key);
        if (scalar is null)
        {
            return null;
        }

        if (!long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Invalid(key, scalar, "expected an integer");
        }

        if (value < min || value > max)
        {
            throw Invalid(key, scalar, rule);
        }

        return value;
    }

    public TimeSpan? Duration(string key, bool allowNegative = false)
    {
        var scalar = Scalar(key);
        if (scalar is null)
        {
            return null;
        }

        if (!GoDuration.TryParse(scalar.Value!, out var value, out var error))
        {
            throw Invalid(key, scalar, $"{error}; durations use Go syntax such as 500ms, 15m, 1h30m");
        }

        if (!allowNegative && value < TimeSpan.Zero)
        {
            throw Invalid(key, scalar, "must not be negative");
        }

        return value;
    }

    public T? Enum<T>(string key, IReadOnlyDictionary<string, T> names)
        where T : struct
    {
        var scalar = Scalar(key);
        if (scalar is null)
        {
            return null;
        }

        if (names.TryGetValue(scalar.Value!, out var value))
        {
            return value;
        }

        throw Invalid(key, scalar, $"expected one of {string.Join(", ", names.Keys)}");
    }

    /// <summary>Error for a value that parsed but is not acceptable, pointing at the value.</summary>
    public ConfigException Invalid(string key, string detail)
    {
        var node = Find(key) ?? throw new InvalidOperationException($"{PathOf(key)} is not in the file");
        return ConfigException.At($"{PathOf(key)}: {detail}", Line(node), Column(node));
    }

    /// <summary>Throws on the first key (in file order) no binder read.</summary>
    public void EnsureNoUnknownKeys()
    {
        if (_mapping is null)
        {
            return;
        }

        foreach (var key in _mapping.Children.Keys)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (!_read.Contains(name))
            {
                throw ConfigException.At($"unknown key \"{PathOf(name)}\"", Line(key), Column(key));
            }
        }
    }

    private YamlScalarNode? Scalar(string key)
    {
        var node = Consume(key);
        return node switch
        {
            null => null,
            YamlScalarNode scalar when IsNull(scalar) => null,
            YamlScalarNode scalar => scalar,
            _ => throw ConfigException.At($"{PathOf(key)}: expected a single value, found {Kind(node)}", Line(node), Column(node)),
        };
    }

    private YamlNode? Consume(string key)
    {
        _read.Add(key);
        return Find(key);
    }

    private YamlNode? Find(string key)
    {
        if (_mapping is null)
        {
            return null;
        }

        return _mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private ConfigException Invalid(string key, YamlScalarNode scalar, string detail) =>
        ConfigException.At($"{PathOf(key)}: invalid value \"{scalar.Value}\": {detail}", Line(scalar), Column(scalar));

    // A plain empty, "~" or "null" scalar is YAML's null; a quoted "" is an empty string.
    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any &&
        (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");

    private string PathOf(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    private string Describe(string fallback) => _path.Length == 0 ? fallback.Length == 0 ? "top level" : fallback : _path;

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a single value",
    };

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private static int Column(YamlNode node) => (int)node.Start.Column;
}
