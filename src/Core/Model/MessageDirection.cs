namespace MessagingGateway.Core.Model;

/// <summary>Whether the business sent the message or the customer did.</summary>
public enum MessageDirection
{
    Outbound,
    Inbound,
}
