namespace Tempo.Streaming.Core.Querying;

/// <summary>
/// The type of a tag value in Tempo's v2 tag-values API. <c>keyword</c> is used for the fixed values of the
/// <c>status</c> and <c>kind</c> intrinsics. The numeric values are stable: the live store writes them into its keys.
/// </summary>
public enum TagValueType : byte
{
    String = 1,
    Int = 2,
    Float = 3,
    Bool = 4,
    Keyword = 5,
}

/// <summary>A typed tag value; <see cref="Value"/> is its text as Tempo prints it (ints in decimal, floats in Go's shortest 'g' form).</summary>
public readonly record struct TypedTagValue(TagValueType Type, string Value);

public static class TagValueTypes
{
    public static string Name(this TagValueType type) => type switch
    {
        TagValueType.String => "string",
        TagValueType.Int => "int",
        TagValueType.Float => "float",
        TagValueType.Bool => "bool",
        TagValueType.Keyword => "keyword",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tag value type"),
    };
}
