using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// Committed offsets of consumer groups: one file per group under <c>offsets/</c>, holding the next offset to
/// consume per partition (Kafka's committed-offset semantics). Every commit replaces the group's file atomically
/// (<see cref="DurableFile.WriteAtomically"/>), so a crash leaves either the previous or the new commit, never a
/// torn file — the live store relies on this to resume without gaps or duplicates (ARCHITECTURE.md §1.3).
/// </summary>
internal sealed class CommittedOffsetStore
{
    public const string DirectoryName = "offsets";
    private const string Extension = ".json";

    private readonly string _directory;
    private readonly bool _readOnly;
    private readonly ConcurrentDictionary<string, GroupOffsets> _groups = new(StringComparer.Ordinal);

    private CommittedOffsetStore(string directory, bool readOnly)
    {
        _directory = directory;
        _readOnly = readOnly;
    }

    public static CommittedOffsetStore Open(string root, bool readOnly)
    {
        var store = new CommittedOffsetStore(Path.Combine(root, DirectoryName), readOnly);
        if (!readOnly)
        {
            Directory.CreateDirectory(store._directory);
            foreach (string leftover in Directory.EnumerateFiles(store._directory, "*" + DurableFile.TemporarySuffix))
            {
                File.Delete(leftover); // a commit interrupted before its rename: the previous file is still valid
            }
            foreach (GroupFile file in store.ReadAll())
            {
                store._groups[file.Group] = new GroupOffsets(file.Offsets);
            }
        }
        return store;
    }

    public async ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken)
    {
        GroupOffsets offsets = _groups.GetOrAdd(group, static _ => new GroupOffsets(new Dictionary<int, long>()));
        await offsets.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var updated = new Dictionary<int, long>(offsets.Current) { [partition] = nextOffset };
            byte[] content = JsonSerializer.SerializeToUtf8Bytes(new GroupFile { Group = group, Offsets = updated });
            DurableFile.WriteAtomically(PathFor(group), content);
            offsets.Current = updated;
        }
        finally
        {
            offsets.Gate.Release();
        }
    }

    public long? Get(string group, int partition)
    {
        if (_readOnly)
        {
            GroupFile? file = TryRead(PathFor(group));
            return file is not null && file.Offsets.TryGetValue(partition, out long fromDisk) ? fromDisk : null;
        }
        return _groups.TryGetValue(group, out GroupOffsets? offsets) && offsets.Current.TryGetValue(partition, out long offset)
            ? offset
            : null;
    }

    /// <summary>Every group with its committed offsets, sorted by group name (for inspection).</summary>
    public IReadOnlyList<(string Group, IReadOnlyDictionary<int, long> Offsets)> List()
    {
        var result = new List<(string, IReadOnlyDictionary<int, long>)>();
        if (_readOnly)
        {
            foreach (GroupFile file in ReadAll())
            {
                result.Add((file.Group, file.Offsets));
            }
        }
        else
        {
            foreach (KeyValuePair<string, GroupOffsets> group in _groups)
            {
                if (group.Value.Current.Count > 0)
                {
                    result.Add((group.Key, group.Value.Current));
                }
            }
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;
    }

    private IEnumerable<GroupFile> ReadAll()
    {
        if (!Directory.Exists(_directory))
        {
            yield break;
        }
        foreach (string path in Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            GroupFile? file = TryRead(path);
            if (file is not null)
            {
                yield return file;
            }
        }
    }

    private static GroupFile? TryRead(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<GroupFile>(bytes)
                ?? throw new InvalidDataException($"committed offsets file '{path}' is empty");
        }
        catch (JsonException e)
        {
            // Unreachable through our own atomic writes; someone edited or damaged the file by hand.
            throw new InvalidDataException($"committed offsets file '{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private string PathFor(string group) => Path.Combine(_directory, FileNameFor(group) + Extension);

    /// <summary>
    /// Group names are free text; file names keep [A-Za-z0-9_-] and escape every other UTF-8 byte as %XX, so any
    /// two distinct groups get distinct files on every file system.
    /// </summary>
    internal static string FileNameFor(string group)
    {
        var name = new StringBuilder(group.Length + 8);
        foreach (byte b in Encoding.UTF8.GetBytes(group))
        {
            bool plain = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'_' or (byte)'-';
            if (plain)
            {
                name.Append((char)b);
            }
            else
            {
                name.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return name.ToString();
    }

    private sealed class GroupOffsets(Dictionary<int, long> current)
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public volatile Dictionary<int, long> Current = current;
    }

    private sealed record GroupFile
    {
        [JsonPropertyName("group")]
        public required string Group { get; init; }

        [JsonPropertyName("offsets")]
        public required Dictionary<int, long> Offsets { get; init; }
    }
}
