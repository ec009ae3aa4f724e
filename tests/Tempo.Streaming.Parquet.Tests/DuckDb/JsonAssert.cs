using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>
/// Deep JSON equality that names the first difference by path (<c>[37].tags[2]</c>) instead of dumping two large
/// documents. Numbers compare by value (DuckDB prints 1 where .NET may print 1.0); object key order is ignored.
/// </summary>
internal static class JsonAssert
{
    public static void Equal(JsonNode? expected, JsonNode? actual, string what)
    {
        var difference = FirstDifference(expected, actual, "");
        difference.Should().BeNull($"{what} must match (path '$' = the whole document)");
    }

    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : Mismatch(path, expected, actual);

        switch (expected)
        {
            case JsonObject expectedObject:
            {
                if (actual is not JsonObject actualObject) return Mismatch(path, expected, actual);
                foreach (var (key, value) in expectedObject)
                {
                    if (!actualObject.ContainsKey(key)) return $"at {path}.{key}: missing (expected {Show(value)})";
                    var inner = FirstDifference(value, actualObject[key], $"{path}.{key}");
                    if (inner is not null) return inner;
                }
                foreach (var (key, value) in actualObject)
                {
                    if (!expectedObject.ContainsKey(key)) return $"at {path}.{key}: unexpected field {Show(value)}";
                }
                return null;
            }
            case JsonArray expectedArray:
            {
                if (actual is not JsonArray actualArray) return Mismatch(path, expected, actual);
                for (var i = 0; i < Math.Min(expectedArray.Count, actualArray.Count); i++)
                {
                    var inner = FirstDifference(expectedArray[i], actualArray[i], $"{path}[{i}]");
                    if (inner is not null) return inner;
                }
                return expectedArray.Count == actualArray.Count
                    ? null
                    : $"at {path}: expected {expectedArray.Count} entries, got {actualArray.Count} ({Mismatch(path, expected, actual)})";
            }
            default:
            {
                if (actual is JsonObject or JsonArray) return Mismatch(path, expected, actual);
                var expectedKind = expected.GetValueKind();
                if (expectedKind != actual.GetValueKind()) return Mismatch(path, expected, actual);
                if (expectedKind == JsonValueKind.Number)
                {
                    var e = double.Parse(expected.ToJsonString(), CultureInfo.InvariantCulture);
                    var a = double.Parse(actual.ToJsonString(), CultureInfo.InvariantCulture);
                    return e.Equals(a) ? null : Mismatch(path, expected, actual);
                }
                return expected.ToJsonString() == actual.ToJsonString() ? null : Mismatch(path, expected, actual);
            }
        }
    }

    private static string Mismatch(string path, JsonNode? expected, JsonNode? actual)
        => $"at {(path.Length == 0 ? "$" : path)}: expected {Show(expected)}, got {Show(actual)}";

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 400 ? text : text[..400] + "…";
    }
}
