using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Tempo.Streaming.Server.Hosting;

/// <summary>
/// Drops one misleading Kestrel warning: at bind time Kestrel says that a cleartext HTTP/1.1+HTTP/2 endpoint "will use
/// HTTP/1.1" (event 64, <c>Http2DisabledWithHttp1AndNoTls</c>), but <see cref="H2cPriorKnowledge"/> does serve h2c on
/// those listeners. Every other message passes through unchanged.
/// </summary>
[ProviderAlias("Console")]
internal sealed class H2cLogNoiseFilter(ILoggerProvider inner) : ILoggerProvider
{
    private const string KestrelCategory = "Microsoft.AspNetCore.Server.Kestrel";
    private const int Http2DisabledWithHttp1AndNoTls = 64;

    /// <summary>Replaces the console provider registered by <c>AddSimpleConsole</c> with a filtered one.</summary>
    public static void Install(ILoggingBuilder logging)
    {
        logging.Services.RemoveAll<ILoggerProvider>();
        logging.Services.AddSingleton<ILoggerProvider>(provider => new H2cLogNoiseFilter(new ConsoleLoggerProvider(
            provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(),
            provider.GetServices<ConsoleFormatter>())));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == KestrelCategory ? new Filtered(logger) : logger;
    }

    public void Dispose() => inner.Dispose();

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == Http2DisabledWithHttp1AndNoTls)
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
