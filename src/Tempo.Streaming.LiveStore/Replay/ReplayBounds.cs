using System.Globalization;
using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>Bad replay input (a partition the log does not have, from after to, offsets outside the log); the message says which and why.</summary>
public sealed class ReplayInputException(string message) : Exception(message);

/// <summary>Where a replay starts or ends: an offset, or a time the log resolves to an offset by its record timestamps.</summary>
public readonly record struct ReplayPosition(long? Offset, DateTimeOffset? Time)
{
    public static ReplayPosition AtOffset(long offset) => new(offset, null);

    public static ReplayPosition AtTime(DateTimeOffset time) => new(null, time);

    /// <summary>A non-negative integer is an offset; anything else must be an ISO 8601 / RFC 3339 time (UTC unless it says otherwise).</summary>
    public static bool TryParse(string text, out ReplayPosition position)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            position = AtOffset(offset);
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            position = AtTime(time);
            return true;
        }
        position = default;
        return false;
    }

    public override string ToString() => Offset is { } offset
        ? offset.ToString(CultureInfo.InvariantCulture)
        : Time!.Value.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>
/// A partition's replay offsets <see cref="From"/>..<see cref="To"/> (inclusive), and the log's bounds when they were
/// resolved: <see cref="LogStart"/> (oldest retained) and <see cref="HighWatermark"/> (next to be appended).
/// </summary>
public sealed record PartitionBounds(int Partition, long LogStart, long HighWatermark, long From, long To);

/// <summary>Resolves and checks the <c>--from/--to</c> of a replay against the log before anything is read or written.</summary>
public static class ReplayBounds
{
    /// <summary>
    /// Offsets of <paramref name="from"/>..<paramref name="to"/> on <paramref name="partition"/> (null = the oldest
    /// retained record / the newest record). A time <c>from</c> is the first record stamped at or after it; a time
    /// <c>to</c> the last record stamped at or before it (Kafka's ListOffsets by time, as <see cref="IIngestLog.GetOffsetForTimestampAsync"/>).
    /// </summary>
    /// <exception cref="ReplayInputException">No such partition, an empty partition or time window, from after to, or offsets outside the log.</exception>
    public static async Task<PartitionBounds> ResolveAsync(IIngestLog log, int partition, ReplayPosition? from, ReplayPosition? to,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (partition < 0 || partition >= log.PartitionCount)
        {
            throw new ReplayInputException(Invariant(
                $"partition {partition} does not exist: topic '{log.Topic}' has partitions 0 to {log.PartitionCount - 1}"));
        }
        var logStart = await log.GetLogStartOffsetAsync(partition, cancellationToken).ConfigureAwait(false);
        var highWatermark = await log.GetHighWatermarkAsync(partition, cancellationToken).ConfigureAwait(false);
        if (highWatermark <= logStart)
        {
            throw new ReplayInputException(Invariant(
                $"topic '{log.Topic}' partition {partition} holds no records (log start = high watermark = {highWatermark}): nothing to replay"));
        }

        long first = logStart;
        if (from is { Offset: { } fromOffset })
        {
            first = fromOffset;
        }
        else if (from is { Time: { } fromTime })
        {
            first = await log.GetOffsetForTimestampAsync(partition, fromTime, cancellationToken).ConfigureAwait(false)
                ?? throw new ReplayInputException(Invariant(
                    $"--from {from}: topic '{log.Topic}' partition {partition} has no record stamped at or after it (offsets {logStart}-{highWatermark - 1})"));
        }

        var last = highWatermark - 1;
        if (to is { Offset: { } toOffset })
        {
            last = toOffset;
        }
        else if (to is { Time: { } toTime })
        {
            // Log timestamps have millisecond precision: the first record after `to` is the first at or after to + 1 ms.
            var after = await log.GetOffsetForTimestampAsync(partition, toTime.AddMilliseconds(1), cancellationToken).ConfigureAwait(false);
            last = (after ?? highWatermark) - 1;
        }

        if (from is { Offset: not null } && to is { Offset: not null } && first > last)
        {
            throw new ReplayInputException(Invariant($"--from {first} is after --to {last}"));
        }
        if (from is { Time: not null } && to is { Time: not null } && from.Value.Time > to.Value.Time)
        {
            throw new ReplayInputException(Invariant($"--from {from} is after --to {to}"));
        }
        if (first > last)
        {
            throw new ReplayInputException(Invariant(
                $"--from {from?.ToString() ?? "(log start)"} resolves to offset {first} and --to {to?.ToString() ?? "(end)"} to {last} on topic '{log.Topic}' partition {partition}: no record lies between them"));
        }
        if (first < logStart || last >= highWatermark)
        {
            throw new ReplayInputException(OutsideLog(log.Topic, partition, first, last, logStart, highWatermark));
        }
        return new PartitionBounds(partition, logStart, highWatermark, first, last);
    }

    /// <summary>The message for offsets the log does not hold, with the offsets it does.</summary>
    public static string OutsideLog(string topic, int partition, long first, long last, long logStart, long highWatermark)
    {
        var which = first < logStart
            ? Invariant($"offset {first} is before the log start {logStart} (removed by retention)")
            : Invariant($"offset {last} is not written yet (high watermark {highWatermark})");
        return Invariant($"topic '{topic}' partition {partition}: offsets {first}-{last} are outside the log: {which}; the log holds offsets {logStart}-{highWatermark - 1}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
