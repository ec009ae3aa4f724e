using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Which attribute of one scope (resource or span) lives in which spare column String01..String10, as Tempo's
/// <c>dedicatedColumnsToColumnMapping</c> assigns them: the block's <c>dedicatedColumns</c> of that scope and of type
/// string, in meta.json order, take the spare columns in order; columns past the tenth, other types and other scopes
/// are ignored by vParquet4 (they stay in the generic attributes). Only string values go into a dedicated column;
/// an attribute with that key but another value type stays generic.
/// </summary>
public sealed class DedicatedColumnMapping
{
    /// <summary>Spare string columns per scope in vParquet4.</summary>
    public const int SpareStringColumns = 10;

    private static readonly string[] SpareNames = BuildSpareNames();

    // Small (≤ 10 entries): a linear scan with ordinal comparison beats hashing for the usual 0–5 names.
    private readonly string[] _names;

    private readonly byte[][] _utf8Names;

    private DedicatedColumnMapping(string[] names)
    {
        _names = names;
        _utf8Names = Array.ConvertAll(names, System.Text.Encoding.UTF8.GetBytes);
    }

    /// <summary>An empty mapping (no dedicated columns).</summary>
    public static DedicatedColumnMapping None { get; } = new([]);

    /// <summary>The attribute names in column order: entry i is stored in String(i+1).</summary>
    public IReadOnlyList<string> Names => _names;

    public int Count => _names.Length;

    /// <summary>The mapping of <paramref name="scope"/> (<see cref="DedicatedColumn.ScopeSpan"/> or <see cref="DedicatedColumn.ScopeResource"/>).</summary>
    public static DedicatedColumnMapping For(IReadOnlyList<DedicatedColumn> columns, string scope)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var names = new List<string>(Math.Min(columns.Count, SpareStringColumns));
        foreach (var column in columns)
        {
            if (names.Count == SpareStringColumns)
            {
                break;
            }
            if (string.Equals(column.Scope, scope, StringComparison.Ordinal) &&
                string.Equals(column.Type, DedicatedColumn.TypeString, StringComparison.Ordinal) &&
                !names.Contains(column.Name))
            {
                names.Add(column.Name);
            }
        }
        return names.Count == 0 ? None : new DedicatedColumnMapping([.. names]);
    }

    /// <summary>The spare column index (0-based) holding attribute <paramref name="key"/>, or -1.</summary>
    public int IndexOf(string key)
    {
        var names = _names;
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The spare column index (0-based) holding the attribute with UTF-8 key <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        var names = _utf8Names;
        for (var i = 0; i < names.Length; i++)
        {
            if (key.SequenceEqual(names[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>"String01".."String10".</summary>
    public static string SpareColumnName(int index) => SpareNames[index];

    private static string[] BuildSpareNames()
    {
        var names = new string[SpareStringColumns];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = $"String{i + 1:D2}";
        }
        return names;
    }
}
