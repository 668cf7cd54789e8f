using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Transport.Kafka;

/// <summary>
/// librdkafka's log lines and errors, for every client the log builds (producer, consumers, admin
/// client). Its syslog levels become ours. A non-fatal error is a warning: mostly a broker or
/// connection that librdkafka retries on its own. A fatal error is critical and remembered: the
/// client that raised it is unusable, so the log refuses writes until the process restarts.
/// </summary>
public sealed partial class KafkaClientLog(ILogger<KafkaClientLog> logger)
{
    private Error? _fatal;

    /// <summary>The first fatal error any client reported; null while there was none.</summary>
    public Error? FatalError => Volatile.Read(ref _fatal);

    /// <summary>Syslog numbers severity downwards (0 = emergency, 7 = debug); anything past debug is debug too.</summary>
    public static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    /// <summary>The clients' log handler.</summary>
    public void OnLog(LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var level = LevelOf(message.Level);
        LogClientMessage(level, message.Name, message.Facility, message.Message);
    }

    /// <summary>The clients' error handler; <paramref name="client"/> is the client's name.</summary>
    public void OnError(string client, Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.IsFatal)
        {
            Interlocked.CompareExchange(ref _fatal, error, null);
            LogFatalError(client, error.Code, error.Reason);
        }
        else
        {
            LogClientError(client, error.Code, error.Reason);
        }
    }

    [LoggerMessage(EventId = 4001, Message = "Kafka client {Client} ({Facility}): {Message}")]
    private partial void LogClientMessage(LogLevel level, string client, string facility, string message);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Kafka client {Client} error {Code}: {Reason}")]
    private partial void LogClientError(string client, ErrorCode code, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Critical, Message = "Kafka client {Client} fatal error {Code}: {Reason}; the log takes no writes and the node is not ready until it restarts")]
    private partial void LogFatalError(string client, ErrorCode code, string reason);
}
