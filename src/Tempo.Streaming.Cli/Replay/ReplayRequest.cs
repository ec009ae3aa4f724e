using System.Globalization;
using Tempo.Streaming.LiveStore.Replay;

namespace Tempo.Streaming.Cli.Replay;

/// <summary>What <c>replay</c> was asked to do, parsed and checked (everything that needs no log or backend).</summary>
internal sealed record ReplayRequest
{
    /// <summary>The live store's default (BlockFlushOptions.MaxBlockBytes), so gaps are cut where the live store cuts them.</summary>
    public const long DefaultMaxBlockBytes = 64L << 20;

    public required string? Topic { get; init; }

    public required IReadOnlyList<int> Partitions { get; init; }

    public ReplayPosition? From { get; init; }

    public ReplayPosition? To { get; init; }

    public bool Force { get; init; }

    public long MaxBlockBytes { get; init; } = DefaultMaxBlockBytes;

    /// <summary>Records per second at most; 0 = as fast as the log and backend go.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Also replay gaps at or past the live store group's committed offset.</summary>
    public bool IncludeUnflushed { get; init; }

    /// <summary>The request, or null with every problem added (messages name the option).</summary>
    public static ReplayRequest? Parse(string? topic, string? partitions, string? from, string? to, bool force, long maxBlockBytes,
        double rate, bool includeUnflushed, List<string> problems)
    {
        var list = ParsePartitions(partitions, problems);
        var fromPosition = ParsePosition("--from", from, problems);
        var toPosition = ParsePosition("--to", to, problems);
        if (topic is { Length: 0 })
        {
            problems.Add("--topic must not be empty");
        }
        if (maxBlockBytes < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--max-block-bytes must be positive, got {maxBlockBytes}"));
        }
        if (rate < 0 || double.IsNaN(rate) || double.IsInfinity(rate))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--rate must be a records/s figure >= 0 (0 = unthrottled), got {rate}"));
        }
        if (problems.Count > 0)
        {
            return null;
        }
        return new ReplayRequest
        {
            Topic = topic,
            Partitions = list,
            From = fromPosition,
            To = toPosition,
            Force = force,
            MaxBlockBytes = maxBlockBytes,
            RecordsPerSecond = rate,
            IncludeUnflushed = includeUnflushed,
        };
    }

    private static List<int> ParsePartitions(string? text, List<string> problems)
    {
        var partitions = new List<int>();
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add("--partition is required: one partition or a comma-separated list (e.g. 0 or 0,1,2)");
            return partitions;
        }
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
            {
                problems.Add($"--partition '{text}': '{part}' is not a partition number (>= 0)");
                continue;
            }
            if (partitions.Contains(partition))
            {
                problems.Add($"--partition '{text}': partition {partition} is listed twice");
                continue;
            }
            partitions.Add(partition);
        }
        return partitions;
    }

    private static ReplayPosition? ParsePosition(string option, string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }
        if (ReplayPosition.TryParse(text, out var position))
        {
            return position;
        }
        problems.Add($"{option} '{text}' is neither an offset (an integer >= 0) nor a time (ISO 8601, e.g. 2026-11-21T10:00:00Z)");
        return null;
    }
}
