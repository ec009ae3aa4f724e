using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace Tempo.Streaming.Core.Tests.Wire;

internal static class WireAssert
{
    /// <summary>
    /// The message serialises to exactly <paramref name="expected"/>, and those bytes parse back to an equal message.
    /// </summary>
    public static void EncodesTo<T>(T message, byte[] expected)
        where T : IMessage<T>, new()
    {
        Convert.ToHexStringLower(message.ToByteArray()).Should().Be(Convert.ToHexStringLower(expected),
            "the wire encoding of {0} must match the bytes derived from Tempo's/OTLP's published field numbers", typeof(T).Name);
        RoundTrips(message, expected);
    }

    public static void RoundTrips<T>(T message, byte[] encoded)
        where T : IMessage<T>, new()
    {
        var parsed = new MessageParser<T>(static () => new T()).ParseFrom(encoded);
        parsed.Should().Be(message, "parsing the encoded bytes must give the original {0} back", typeof(T).Name);
        parsed.CalculateSize().Should().Be(encoded.Length);
    }

    /// <summary>
    /// The message serialises to the frozen snapshot <c>golden/&lt;name&gt;.hex</c>. Run the tests with
    /// UPDATE_GOLDEN=1 to (re)write a snapshot after a deliberate wire change, then review the diff.
    /// </summary>
    public static void MatchesSnapshot<T>(T message, string name, [CallerFilePath] string callerPath = "")
        where T : IMessage<T>, new()
    {
        var actual = message.ToByteArray();
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var sourcePath = Path.Combine(Path.GetDirectoryName(callerPath)!, "golden", name + ".hex");
            File.WriteAllText(sourcePath, FormatSnapshot(name, actual));
            Directory.CreateDirectory(Path.GetDirectoryName(OutputPath(name))!);
            File.Copy(sourcePath, OutputPath(name), overwrite: true);
        }

        var path = OutputPath(name);
        File.Exists(path).Should().BeTrue(
            "golden snapshot {0} must exist; create it with UPDATE_GOLDEN=1 dotnet test tests/Tempo.Streaming.Core.Tests " +
            "and review it", path);
        var frozen = ParseSnapshot(File.ReadAllText(path));
        Convert.ToHexStringLower(actual).Should().Be(Convert.ToHexStringLower(frozen),
            "the wire encoding of {0} must not drift from the frozen snapshot {1}", typeof(T).Name, name);
        RoundTrips(message, frozen);
    }

    private static string OutputPath(string name) => Path.Combine(AppContext.BaseDirectory, "Wire", "golden", name + ".hex");

    private static string FormatSnapshot(string name, byte[] bytes)
    {
        var hex = Convert.ToHexStringLower(bytes);
        var lines = new List<string>
        {
            $"# {name}: frozen protobuf encoding ({bytes.Length} bytes), 32 bytes per line.",
            "# Regenerate only for a deliberate wire change: UPDATE_GOLDEN=1 dotnet test tests/Tempo.Streaming.Core.Tests",
        };
        for (var i = 0; i < hex.Length; i += 64)
        {
            lines.Add(hex.Substring(i, Math.Min(64, hex.Length - i)));
        }

        return string.Join('\n', lines) + "\n";
    }

    private static byte[] ParseSnapshot(string text) =>
        ProtoWire.FromHex(string.Concat(text.Split('\n').Where(static l => !l.StartsWith('#'))));
}
