using System.CommandLine;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Core;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// The push options of <c>load</c> and of the measuring commands (<c>freshness</c>, <c>consumption</c>), bound into a
/// <see cref="LoadOptions"/>; the measuring commands also get the query endpoint they read back from.
/// </summary>
internal sealed class PushOptionSet
{
    private readonly Option<string?> _endpoint = new("--endpoint")
    {
        Description = "OTLP address: host:port or URL (default localhost:4317 for gRPC, http://localhost:4318 for HTTP)",
    };

    private readonly Option<string> _protocol = new("--protocol") { Description = "Wire protocol", DefaultValueFactory = _ => "otlp-grpc" };
    private readonly Option<long> _seed = new("--seed")
    {
        Description = "Workload seed (same seed and start time = same spans)", DefaultValueFactory = _ => 42,
    };
    private readonly Option<long?> _traces = new("--traces") { Description = "Number of traces to send, then stop" };
    private readonly Option<string?> _duration = new("--duration") { Description = "Push time, Go syntax (30s, 2m); default 30s without --traces" };
    private readonly Option<double> _rate;
    private readonly Option<int> _batchSpans = new("--batch-spans") { Description = "Spans per request (whole traces)", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _concurrency = new("--concurrency") { Description = "Push requests in flight", DefaultValueFactory = _ => 8 };
    private readonly Option<int> _connections = new("--connections")
    {
        Description = "HTTP/2 connections for gRPC", DefaultValueFactory = _ => LoadOptions.Default.Connections,
    };

    private readonly Option<string?> _tenant = new("--tenant") { Description = "Tenant ID, sent as X-Scope-OrgID" };
    private readonly Option<string> _timeout = new("--timeout") { Description = "Per-request timeout, Go syntax", DefaultValueFactory = _ => "30s" };
    private readonly Option<string> _queryEndpoint = new("--query-endpoint")
    {
        Description = "Tempo HTTP API base URL (the server's :3200)", DefaultValueFactory = _ => "http://localhost:3200",
    };

    private readonly Option<string?> _summaryJson = new("--summary-json") { Description = "Also write the summary as JSON to this file" };

    private readonly bool _withQueryEndpoint;

    public PushOptionSet(double defaultRate, bool withQueryEndpoint = true)
    {
        _withQueryEndpoint = withQueryEndpoint;
        _protocol.AcceptOnlyFromAmong("otlp-grpc", "otlp-http", "otlp-http-json");
        _rate = new Option<double>("--rate")
        {
            Description = "Target spans per second; 0 = as fast as the server acknowledges", DefaultValueFactory = _ => defaultRate,
        };
    }

    public void AddTo(Command command)
    {
        Option[] options =
        [
            _endpoint, _protocol, _seed, _traces, _duration, _rate, _batchSpans, _concurrency, _connections, _tenant, _timeout,
            _summaryJson,
        ];
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        if (_withQueryEndpoint)
        {
            command.Options.Add(_queryEndpoint);
        }
    }

    public string? SummaryJson(ParseResult parse) => parse.GetValue(_summaryJson);

    /// <summary>The query endpoint as an absolute http(s) URI, or null with a problem added.</summary>
    public Uri? QueryEndpoint(ParseResult parse, List<string> problems) => ParseHttpUri(parse.GetValue(_queryEndpoint)!, "--query-endpoint", problems);

    /// <summary>
    /// Binds the push options; problems (bad durations, invalid combinations, a bad endpoint) are added to the list.
    /// <paramref name="extend"/> sets a command's own options before the whole is validated.
    /// </summary>
    public LoadOptions BindLoad(ParseResult parse, List<string> problems, Func<LoadOptions, LoadOptions>? extend = null)
    {
        TimeSpan? duration = null;
        if (parse.GetValue(_duration) is { } durationText)
        {
            if (GoDuration.TryParse(durationText, out var parsed))
            {
                duration = parsed;
            }
            else
            {
                problems.Add($"--duration '{durationText}' is not a duration like 30s, 5m or 1h30m");
            }
        }

        var timeoutText = parse.GetValue(_timeout)!;
        if (!GoDuration.TryParse(timeoutText, out var timeout))
        {
            problems.Add($"--timeout '{timeoutText}' is not a duration like 10s");
            timeout = LoadOptions.Default.RequestTimeout;
        }

        var options = new LoadOptions
        {
            Endpoint = parse.GetValue(_endpoint),
            Protocol = parse.GetValue(_protocol) switch
            {
                "otlp-http" => LoadProtocol.OtlpHttp,
                "otlp-http-json" => LoadProtocol.OtlpHttpJson,
                _ => LoadProtocol.OtlpGrpc,
            },
            Seed = parse.GetValue(_seed),
            Traces = parse.GetValue(_traces),
            Duration = duration,
            Rate = parse.GetValue(_rate),
            BatchSpans = parse.GetValue(_batchSpans),
            Concurrency = parse.GetValue(_concurrency),
            Connections = parse.GetValue(_connections),
            Tenant = parse.GetValue(_tenant),
            RequestTimeout = timeout,
        };
        options = extend?.Invoke(options) ?? options;
        problems.AddRange(options.Validate());
        try
        {
            options.ResolveEndpoint();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
        }

        return options;
    }

    /// <summary>Parses a Go duration option, adding a problem (and returning the fallback) when it is not one.</summary>
    public static TimeSpan Duration(string text, string option, TimeSpan fallback, List<string> problems)
    {
        if (GoDuration.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{option} '{text}' is not a duration like 10ms, 5s or 2m");
        return fallback;
    }

    public static Uri? ParseHttpUri(string text, string option, List<string> problems)
    {
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        problems.Add($"{option} '{text}' is not host:port or an http(s):// URL");
        return null;
    }

    /// <summary>Writes the problems as "<paramref name="command"/>: problem" lines to stderr.</summary>
    public static void PrintProblems(string command, IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"{command}: {problem}");
        }
    }
}
