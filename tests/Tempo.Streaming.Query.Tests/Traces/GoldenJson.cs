using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tempo.Streaming.Query.Tests.Traces;

/// <summary>
/// Frozen JSON response bodies in <c>Traces/golden/&lt;name&gt;.json</c> (pretty-printed for review; compared as
/// compact JSON, byte for byte). Run the tests with UPDATE_GOLDEN=1 to (re)write them after a deliberate change,
/// then review the diff.
/// </summary>
internal static class GoldenJson
{
    public static void Matches(ReadOnlySpan<byte> actualUtf8, string name, [CallerFilePath] string callerPath = "")
    {
        var actual = Encoding.UTF8.GetString(actualUtf8);
        var path = Path.Combine(Path.GetDirectoryName(callerPath)!, "golden", name + ".json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var pretty = JsonNode.Parse(actual)!.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
            File.WriteAllText(path, pretty + "\n");
        }

        File.Exists(path).Should().BeTrue(
            "golden file {0} must exist; create it with UPDATE_GOLDEN=1 dotnet test tests/Tempo.Streaming.Query.Tests and review it", path);
        Compact(File.ReadAllText(path)).Should().Be(actual, "the response JSON must not drift from golden/{0}.json", name);
    }

    /// <summary>Re-serialises without whitespace, keeping number and string texts exactly as written.</summary>
    private static string Compact(string json)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions
               {
                   Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
               }))
        {
            using var document = JsonDocument.Parse(json);
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
