namespace Tempo.Streaming.Blocks.Backend;

/// <summary>
/// The key rules every store enforces, so a key means the same object on a local disk and in a bucket, and no key can
/// escape the store's root folder: '/'-separated, relative, no empty, "." or ".." segments, no backslashes.
/// </summary>
public static class ObjectKeys
{
    /// <summary>Names of in-progress local puts start with this; such segments are not valid keys and are never listed.</summary>
    internal const string TempPrefix = ".tempo-put-";

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> names an object.</summary>
    public static void ValidateKey(string key, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        var problem = Problem(key, allowTrailingSlash: false);
        if (key.Length == 0)
        {
            problem = "it is empty";
        }

        if (problem is not null)
        {
            throw new ArgumentException($"invalid object key '{key}': {problem}", paramName);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="prefix"/> is usable to list: empty, or key-like, possibly ending in '/'.
    /// With <paramref name="mustBeFolder"/>, a non-empty prefix must end in '/'.
    /// </summary>
    public static void ValidatePrefix(string prefix, bool mustBeFolder, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0)
        {
            return;
        }

        var problem = Problem(prefix, allowTrailingSlash: true);
        if (problem is null && mustBeFolder && prefix[^1] != '/')
        {
            problem = "a folder prefix must be empty or end with '/'";
        }

        if (problem is not null)
        {
            throw new ArgumentException($"invalid object key prefix '{prefix}': {problem}", paramName);
        }
    }

    private static string? Problem(string key, bool allowTrailingSlash)
    {
        if (key.Contains('\\', StringComparison.Ordinal))
        {
            return "backslashes are not allowed; use '/'";
        }

        if (key.StartsWith('/'))
        {
            return "keys are relative; remove the leading '/'";
        }

        if (key.Contains('\0', StringComparison.Ordinal))
        {
            return "NUL characters are not allowed";
        }

        var end = allowTrailingSlash && key.EndsWith('/') ? key.Length - 1 : key.Length;
        var start = 0;
        while (start <= end && end > 0)
        {
            var slash = key.IndexOf('/', start, end - start);
            var segmentEnd = slash < 0 ? end : slash;
            var segment = key.AsSpan(start, segmentEnd - start);
            if (segment.IsEmpty)
            {
                return "empty path segments ('//' or a trailing '/') are not allowed";
            }

            if (segment is "." or "..")
            {
                return "'.' and '..' segments are not allowed";
            }

            if (segment.StartsWith(TempPrefix, StringComparison.Ordinal))
            {
                return $"segments starting with '{TempPrefix}' are reserved for in-progress writes";
            }

            if (slash < 0)
            {
                break;
            }

            start = slash + 1;
        }

        return null;
    }
}
