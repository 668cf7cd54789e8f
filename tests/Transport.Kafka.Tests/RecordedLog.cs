using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>A logger that keeps every entry (level, event id, text), at every level, for tests of what is logged and how loudly.</summary>
internal sealed class RecordedLog<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, int EventId, string Text)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
}
