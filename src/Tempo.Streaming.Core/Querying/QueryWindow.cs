namespace Tempo.Streaming.Core.Querying;

/// <summary>
/// The optional <c>start</c>/<c>end</c> of a Tempo query, in unix seconds. Tempo treats both as inclusive bounds on
/// the time span data covers: a trace (or tag occurrence) qualifies when its [start, end] overlaps the window.
/// <see cref="All"/> (no bounds given) means "everything the source holds".
/// </summary>
public readonly record struct QueryWindow(long StartUnixSeconds, long EndUnixSeconds)
{
    /// <summary>No time restriction.</summary>
    public static QueryWindow All { get; } = new(0, long.MaxValue);

    public bool IsAll => StartUnixSeconds <= 0 && EndUnixSeconds == long.MaxValue;

    /// <summary>True when data spanning [<paramref name="startUnixNanos"/>, <paramref name="endUnixNanos"/>] overlaps the window.</summary>
    public bool Overlaps(ulong startUnixNanos, ulong endUnixNanos)
    {
        if (IsAll)
        {
            return true;
        }

        var startSeconds = (long)(startUnixNanos / 1_000_000_000UL);
        var endSeconds = (long)(endUnixNanos / 1_000_000_000UL);
        return endSeconds >= StartUnixSeconds && startSeconds <= EndUnixSeconds;
    }
}
