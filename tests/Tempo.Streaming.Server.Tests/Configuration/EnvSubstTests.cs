using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Tests.Configuration;

public sealed class EnvSubstTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["HOST"] = "minio",
        ["EMPTY"] = "",
        ["PORT"] = "9000",
    };

    private static string Expand(string text) => EnvSubst.Expand(text, name => Environment.GetValueOrDefault(name));

    [Theory]
    [InlineData("endpoint: ${HOST}:${PORT}", "endpoint: minio:9000")]
    [InlineData("${UNSET}", "")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${UNSET-fallback}", "fallback")]
    [InlineData("${HOST:-fallback}", "minio")]
    [InlineData("${UNSET:=x}", "x")]
    [InlineData("${HOST:+set}", "set")]
    [InlineData("${EMPTY:+set}", "")]
    [InlineData("${UNSET:-${HOST}-suffix}", "minio-suffix")]
    [InlineData("${UNSET:-${ALSO_UNSET:-deep}}", "deep")]
    [InlineData("price: $$5 and $${HOST}", "price: $5 and ${HOST}")]
    [InlineData("$HOST stays", "$HOST stays")]
    [InlineData("a $ alone", "a $ alone")]
    [InlineData("multi\nline ${PORT}\n", "multi\nline 9000\n")]
    public void Expands_like_drone_envsubst(string input, string expected) => Expand(input).Should().Be(expected);

    [Theory]
    [InlineData("x: 1\ny: ${HOST", "invalid config: -config.expand-env: unterminated \"${HOST\" (line 2, column 4)")]
    [InlineData("y: ${HOST^^}", "invalid config: -config.expand-env: unsupported substitution \"${HOST^^}\" (supported: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alternative}, $$) (line 1, column 4)")]
    [InlineData("y: ${}", "invalid config: -config.expand-env: \"${\" must be followed by a variable name (line 1, column 4)")]
    [InlineData("y: ${UNSET:?must be set}", "invalid config: -config.expand-env: UNSET: must be set (line 1, column 4)")]
    public void Malformed_references_are_errors_with_a_position(string input, string expected)
    {
        var act = () => Expand(input);

        act.Should().Throw<ConfigException>().Which.Message.Should().Be(expected);
    }
}
