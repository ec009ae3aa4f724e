using System.CommandLine;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Spectre.Console;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli log stats|tail</c>: inspect an embedded ingest log folder. Both open the log read-only
/// (<see cref="EmbeddedIngestLog.OpenReadOnly"/>), so they work while a server has it open and never modify it.
/// Exit codes: 0 success, 1 the folder holds no readable log.
/// </summary>
public static class LogCommands
{
    public const int ExitNoLog = 1;

    private const int DefaultLast = 10;
    private static readonly TimeSpan FollowPollInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create()
    {
        var command = new Command("log", "Inspect an embedded ingest log (read-only; safe while a server has it open)");
        command.Subcommands.Add(CreateStats());
        command.Subcommands.Add(CreateTail());
        return command;
    }

    private static Option<string> PathOption() => new("--path")
    {
        Description = "Folder of the embedded ingest log (the server's ingest.embedded.path)",
        Required = true,
    };

    private static Command CreateStats()
    {
        Option<string> path = PathOption();
        var command = new Command("stats", "Per partition: log-start offset, high watermark, records, bytes, segments, time range; committed offsets per consumer group")
        {
            path,
        };
        command.SetAction(parse => WithLog(parse.GetValue(path)!, PrintStats));
        return command;
    }

    private static Command CreateTail()
    {
        Option<string> path = PathOption();
        var partition = new Option<int?>("--partition") { Description = "Only this partition (default: every partition)" };
        var fromOffset = new Option<long?>("--from-offset") { Description = "Start at this offset in each partition" };
        var last = new Option<int?>("--last") { Description = $"Start this many records before the end of each partition (default {DefaultLast})" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new records as they are appended, until Ctrl-C" };
        fromOffset.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() < 0)
            {
                result.AddError("--from-offset must be >= 0");
            }
        });
        last.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() < 0)
            {
                result.AddError("--last must be >= 0");
            }
        });
        var command = new Command("tail", "Print records: partition, offset, timestamp, tenant, value size, and the decoded PushBytesRequest (traces, spans, trace IDs)")
        {
            path, partition, fromOffset, last, follow,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(fromOffset) is not null && result.GetResult(last) is not null)
            {
                result.AddError("--from-offset and --last cannot be combined: choose where to start one way");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            string logPath = parse.GetValue(path)!;
            EmbeddedIngestLog log;
            try
            {
                log = EmbeddedIngestLog.OpenReadOnly(logPath);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                return Fail(e);
            }
            await using (log)
            {
                int? only = parse.GetValue(partition);
                if (only is { } p && (p < 0 || p >= log.PartitionCount))
                {
                    await Console.Error.WriteLineAsync($"error: --partition must be in [0, {log.PartitionCount}) for the log at '{log.Path}'");
                    return ExitNoLog;
                }
                var start = new TailStart(parse.GetValue(fromOffset), parse.GetValue(last) ?? DefaultLast);
                return await TailAsync(log, only, start, parse.GetValue(follow), cancellationToken);
            }
        });
        return command;
    }

    private static int WithLog(string path, Action<EmbeddedIngestLog> action)
    {
        try
        {
            using var log = new SyncDisposable(EmbeddedIngestLog.OpenReadOnly(path));
            action(log.Log);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return Fail(e);
        }
    }

    private static int Fail(Exception e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return ExitNoLog;
    }

    // ---- stats ----

    private static void PrintStats(EmbeddedIngestLog log)
    {
        if (Console.IsOutputRedirected)
        {
            // A pipe has no width; Spectre would assume 80 columns and wrap every cell of the partition table.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(log.Path)}[/]  topic [bold]{Markup.Escape(log.Topic)}[/], {log.PartitionCount} partitions");
        var partitions = new Table().Border(TableBorder.Rounded)
            .AddColumn("partition")
            .AddColumn(new TableColumn("log start").RightAligned())
            .AddColumn(new TableColumn("high watermark").RightAligned())
            .AddColumn(new TableColumn("records").RightAligned())
            .AddColumn(new TableColumn("bytes").RightAligned())
            .AddColumn(new TableColumn("segments").RightAligned())
            .AddColumn("oldest record")
            .AddColumn("newest record");
        var highWatermarks = new long[log.PartitionCount];
        long totalRecords = 0, totalBytes = 0;
        for (int p = 0; p < log.PartitionCount; p++)
        {
            EmbeddedPartitionStats stats = log.GetPartitionStats(p);
            highWatermarks[p] = stats.HighWatermark;
            totalRecords += stats.Records;
            totalBytes += stats.Bytes;
            partitions.AddRow(
                p.ToString(CultureInfo.InvariantCulture),
                Number(stats.LogStartOffset),
                Number(stats.HighWatermark),
                Number(stats.Records),
                Bytes(stats.Bytes),
                Number(stats.Segments),
                Time(stats.OldestTimestamp),
                Time(stats.NewestTimestamp));
        }
        partitions.AddRow("[bold]total[/]", "", "", $"[bold]{Number(totalRecords)}[/]", $"[bold]{Bytes(totalBytes)}[/]", "", "", "");
        AnsiConsole.Write(partitions);

        IReadOnlyList<(string Group, IReadOnlyDictionary<int, long> Offsets)> groups = log.GetCommittedOffsets();
        if (groups.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]no consumer group has committed offsets[/]");
            return;
        }
        var committed = new Table().Border(TableBorder.Rounded)
            .AddColumn("group")
            .AddColumn(new TableColumn("partition").RightAligned())
            .AddColumn(new TableColumn("committed (next offset)").RightAligned())
            .AddColumn(new TableColumn("lag").RightAligned());
        foreach ((string group, IReadOnlyDictionary<int, long> offsets) in groups)
        {
            foreach (int p in offsets.Keys.Order())
            {
                long next = offsets[p];
                string lag = p < highWatermarks.Length ? Number(Math.Max(0, highWatermarks[p] - next)) : "[red]unknown partition[/]";
                committed.AddRow(Markup.Escape(group), p.ToString(CultureInfo.InvariantCulture), Number(next), lag);
            }
        }
        AnsiConsole.Write(committed);
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? value) =>
        value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "-";

    private static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:F1} {units[unit]}");
    }

    // ---- tail ----

    private readonly record struct TailStart(long? FromOffset, int Last);

    private static async Task<int> TailAsync(EmbeddedIngestLog log, int? only, TailStart start, bool follow, CancellationToken cancellationToken)
    {
        int first = only ?? 0;
        int count = only is null ? log.PartitionCount : 1;
        var next = new long[count];
        for (int i = 0; i < count; i++)
        {
            int p = first + i;
            long logStart = await log.GetLogStartOffsetAsync(p, cancellationToken);
            long highWatermark = await log.GetHighWatermarkAsync(p, cancellationToken);
            next[i] = start.FromOffset is { } from ? Math.Max(from, logStart) : Math.Max(logStart, highWatermark - start.Last);
        }
        TextWriter output = Console.Out;
        try
        {
            do
            {
                bool any = false;
                for (int i = 0; i < count; i++)
                {
                    while (true)
                    {
                        IReadOnlyList<LogRecord> batch = await log.ReadAsync(first + i, next[i], 500, 16 * 1024 * 1024, cancellationToken);
                        if (batch.Count == 0)
                        {
                            break;
                        }
                        any = true;
                        foreach (LogRecord record in batch)
                        {
                            await output.WriteLineAsync(Describe(record));
                            next[i] = record.Offset + 1;
                        }
                    }
                }
                await output.FlushAsync(cancellationToken);
                if (follow && !any)
                {
                    await Task.Delay(FollowPollInterval, cancellationToken);
                }
            }
            while (follow);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C ends --follow normally.
        }
        return 0;
    }

    /// <summary>
    /// One line per record. The value is a tempopb.PushBytesRequest (ARCHITECTURE.md §3): parallel lists of
    /// marshalled Traces and their 16-byte IDs; a value that does not decode is reported on its line, not fatal.
    /// </summary>
    internal static string Describe(LogRecord record)
    {
        var line = new StringBuilder(256);
        line.Append(CultureInfo.InvariantCulture,
            $"partition={record.Partition} offset={record.Offset} time={Time(record.Timestamp)} tenant={Encoding.UTF8.GetString(record.Key.Span)} bytes={record.Value.Length}");
        try
        {
            PushBytesRequest request = PushBytesRequest.Parser.ParseFrom(record.Value.Span);
            long spans = 0;
            foreach (ByteString traceBytes in request.Traces)
            {
                Trace trace = Trace.Parser.ParseFrom(traceBytes);
                foreach (var resourceSpans in trace.ResourceSpans)
                {
                    foreach (var scopeSpans in resourceSpans.ScopeSpans)
                    {
                        spans += scopeSpans.Spans.Count;
                    }
                }
            }
            line.Append(CultureInfo.InvariantCulture, $" traces={request.Traces.Count} spans={spans} ids=");
            for (int i = 0; i < request.Ids.Count; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }
                line.Append(Convert.ToHexStringLower(request.Ids[i].Span));
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            line.Append(" undecodable PushBytesRequest: ").Append(e.Message);
        }
        return line.ToString();
    }

    /// <summary>Disposes the read-only log synchronously (it owns only file handles; no writer to drain).</summary>
    private readonly struct SyncDisposable(EmbeddedIngestLog log) : IDisposable
    {
        public EmbeddedIngestLog Log { get; } = log;

        public void Dispose() => Log.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
