using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ErasWeb.Tests.Support;

/// <summary>Keeps what the app logs, for a test to read: add it to the app's <see cref="ILoggerFactory"/>.</summary>
public sealed class LogCapture : ILoggerProvider
{
    readonly ConcurrentQueue<(LogLevel Level, string Message)> entries = new();

    public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Logger(entries);

    public void Dispose() { }

    sealed class Logger(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
