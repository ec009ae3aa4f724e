using System.Globalization;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>Command line of <see cref="LiveStoreSteadyStateHarness"/>: <c>prefill</c>, <c>run</c> or <c>cut</c>, and their options.</summary>
internal sealed record SteadyStateArguments
{
    public const string Usage =
        "usage: live-store-steady-state prefill --dir PATH --spans N [--partitions N (4)]\n" +
        "       live-store-steady-state run --dir PATH --samples FILE [--rate spans/s (150000)] [--interval s (10)] [--drain s (60)] " +
        "[--max-block-bytes N (live-store default)] [--zstd-level N (the block writer's tuned levels)]\n" +
        "       live-store-steady-state cut --dir PATH [--max-block-bytes N] [--zstd-level N]";

    public required string Phase { get; init; }

    public string Directory { get; init; } = "";

    public long Spans { get; init; }

    public int Partitions { get; init; } = 4;

    public string Samples { get; init; } = "";

    public long Rate { get; init; } = 150_000;

    public int IntervalSeconds { get; init; } = 10;

    public int DrainSeconds { get; init; } = 60;

    public long? MaxBlockBytes { get; init; }

    /// <summary>One zstd level for every column of the cut blocks; null: the live store's (<see cref="Tempo.Streaming.Blocks.BlockFormat.BlockWriterOptions.Cut"/>).</summary>
    public int? ZstdLevel { get; init; }

    /// <summary>The live store's cut options, with <see cref="ZstdLevel"/> when one was given.</summary>
    public Tempo.Streaming.Blocks.BlockFormat.BlockWriterOptions CutWriterOptions => ZstdLevel is { } level
        ? Tempo.Streaming.Blocks.BlockFormat.BlockWriterOptions.Cut with { CompressionLevel = level }
        : Tempo.Streaming.Blocks.BlockFormat.BlockWriterOptions.Cut;

    public static bool TryParse(IReadOnlyList<string> args, out SteadyStateArguments parsed, out string? error)
    {
        parsed = new SteadyStateArguments { Phase = args.Count > 0 ? args[0] : "" };
        error = null;
        if (parsed.Phase is not ("prefill" or "run" or "cut"))
        {
            error = "the first argument must be prefill, run or cut";
            return false;
        }

        for (var i = 1; i < args.Count; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value";
                return false;
            }

            var value = args[i + 1];
            var number = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            switch (name)
            {
                case "--dir":
                    parsed = parsed with { Directory = value };
                    break;
                case "--samples":
                    parsed = parsed with { Samples = value };
                    break;
                case "--spans" when number >= 1000:
                    parsed = parsed with { Spans = number };
                    break;
                case "--partitions" when number is >= 1 and <= 1024:
                    parsed = parsed with { Partitions = (int)number };
                    break;
                case "--rate" when number >= 1:
                    parsed = parsed with { Rate = number };
                    break;
                case "--interval" when number is >= 1 and <= 3600:
                    parsed = parsed with { IntervalSeconds = (int)number };
                    break;
                case "--drain" when number is >= 0 and <= 86400:
                    parsed = parsed with { DrainSeconds = (int)number };
                    break;
                case "--max-block-bytes" when number >= 1:
                    parsed = parsed with { MaxBlockBytes = number };
                    break;
                case "--zstd-level" when number is >= 1 and <= 22:
                    parsed = parsed with { ZstdLevel = (int)number };
                    break;
                default:
                    error = $"'{name} {value}' is not understood";
                    return false;
            }
        }

        if (parsed.Directory.Length == 0 || (parsed.Phase == "prefill" && parsed.Spans == 0) || (parsed.Phase == "run" && parsed.Samples.Length == 0))
        {
            error = parsed.Phase == "prefill" ? "prefill needs --dir and --spans" : "run needs --dir and --samples";
            return false;
        }

        return true;
    }
}
