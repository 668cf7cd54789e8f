namespace MessagingGateway.Core.Log;

/// <summary>The log cannot make a write durable right now (closing, broker down); the caller should retry later.</summary>
public sealed class LogUnavailableException : Exception
{
    public LogUnavailableException()
    {
    }

    public LogUnavailableException(string message)
        : base(message)
    {
    }

    public LogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
