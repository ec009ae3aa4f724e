using System.Globalization;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>Command line of <see cref="LiveStoreConsumptionHarness"/>.</summary>
internal sealed record HarnessArguments
{
    public const string Usage =
        "usage: live-store-consumption [--spans N (3000000)] [--runs N (3)] [--partitions N (4)] " +
        "[--max-live-traces-bytes N (250000000, 0 = off)] [--dir PATH] [--keep]";

    public long Spans { get; init; } = 3_000_000;

    public int Runs { get; init; } = 3;

    public int Partitions { get; init; } = 4;

    /// <summary>The live store's default (Tempo's 250 MB); 0 removes the pause.</summary>
    public long MaxLiveTracesBytes { get; init; } = new Tempo.Streaming.LiveStore.LiveStoreOptions().MaxLiveTracesBytes;

    /// <summary>Where the log and databases go; default a fresh folder under TEMPO_BENCH_DIR or the temp folder.</summary>
    public string? Directory { get; init; }

    public bool Keep { get; init; }

    public static bool TryParse(IReadOnlyList<string> args, out HarnessArguments parsed, out string? error)
    {
        parsed = new HarnessArguments();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--keep")
            {
                parsed = parsed with { Keep = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--spans" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var spans) && spans >= 1000:
                    parsed = parsed with { Spans = spans };
                    break;
                case "--runs" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var runs) && runs >= 1:
                    parsed = parsed with { Runs = runs };
                    break;
                case "--partitions" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var partitions) && partitions >= 1:
                    parsed = parsed with { Partitions = partitions };
                    break;
                case "--max-live-traces-bytes" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes):
                    parsed = parsed with { MaxLiveTracesBytes = bytes };
                    break;
                case "--dir":
                    parsed = parsed with { Directory = value };
                    break;
                default:
                    error = $"'{name} {value}' is not understood (--spans >= 1000, --runs >= 1, --partitions >= 1)";
                    return false;
            }
        }

        return true;
    }
}
