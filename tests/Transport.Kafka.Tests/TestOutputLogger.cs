using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MessagingGateway.Transport.Kafka.Tests;

/// <summary>Client and log messages into the test's output, with the time since the test began.</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output, LogLevel minimum = LogLevel.Information) : ILoggerProvider, ILoggerFactory
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        try
        {
            output.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.000} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test is over; a late client message has nowhere to go.
        }
    }

    private sealed class Logger(TestOutputLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write($"{category} {logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
