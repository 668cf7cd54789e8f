using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Storage.Tests.Postgres;

/// <summary>A logger factory that keeps the event ids logged through it, for tests that look at what a component said.</summary>
public sealed class CapturedEvents : ILoggerFactory
{
    private readonly ConcurrentQueue<(string Category, EventId Event, string Message)> _events = new();

    public IReadOnlyList<(string Category, EventId Event, string Message)> Events => [.. _events];

    public int Count(int eventId) => _events.Count(e => e.Event.Id == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _events);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, EventId, string)> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Enqueue((category, eventId, formatter(state, exception)));
    }
}
