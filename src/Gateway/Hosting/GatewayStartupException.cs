namespace MessagingGateway.Gateway.Hosting;

/// <summary>The gateway cannot start with this configuration; the message says what to change.</summary>
public sealed class GatewayStartupException : Exception
{
    public GatewayStartupException()
    {
    }

    public GatewayStartupException(string message)
        : base(message)
    {
    }

    public GatewayStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
