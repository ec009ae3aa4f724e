using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Routes librdkafka's log lines and client errors to <see cref="ILogger"/>. During a broker outage librdkafka reports
/// the same connection failure every reconnect attempt from every client; each distinct (client, kind) line is
/// written at most once per <see cref="Interval"/>, with a count of the lines suppressed in between.
/// </summary>
internal sealed class KafkaClientEvents
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public KafkaClientEvents(ILogger logger)
    {
        _logger = logger;
    }

    private int _clients;

    /// <summary>A label for a new client, unique in this log instance: "producer#1 of tempo-ingest".</summary>
    public string NewLabel(string role, string topic) => $"{role}#{Interlocked.Increment(ref _clients)} of {topic}";

    /// <summary>Set when a client reported a fatal error; the owner rebuilds that client on next use.</summary>
    public event Action<string>? Fatal;

    public void OnError(string client, Error error)
    {
        if (error.IsFatal)
        {
            KafkaLogMessages.ClientFatal(_logger, client, error.Code.ToString(), error.Reason);
            Fatal?.Invoke(client);
            return;
        }

        if (TryLog(client + "/" + error.Code, out var suppressed))
        {
            KafkaLogMessages.ClientError(_logger, client, error.Code.ToString(), error.Reason, Suppressed(suppressed));
        }
    }

    public void OnLog(string client, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (_logger.IsEnabled(level) && TryLog(client + "/" + message.Facility, out var suppressed))
        {
            KafkaLogMessages.Librdkafka(_logger, level, client, message.Facility, message.Message, Suppressed(suppressed));
        }
    }

    /// <summary>True when a line of <paramref name="kind"/> may be written now; <paramref name="suppressed"/> = lines dropped since the last.</summary>
    public bool TryLog(string kind, out int suppressed)
    {
        var now = Environment.TickCount64;
        var window = _windows.GetOrAdd(kind, static _ => new Window());
        lock (window)
        {
            if (window.LastLogged != 0 && now - window.LastLogged < (long)Interval.TotalMilliseconds)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }

            window.LastLogged = now;
            suppressed = window.Suppressed;
            window.Suppressed = 0;
            return true;
        }
    }

    public static string Suppressed(int count) => count == 0 ? "" : $" ({count} similar lines suppressed)";

    private sealed class Window
    {
        public long LastLogged;
        public int Suppressed;
    }
}
