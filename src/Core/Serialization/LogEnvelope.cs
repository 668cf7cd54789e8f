using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// What one log record carries. <see cref="Kind"/> names the event; today only
/// <c>message</c> (an accepted outbound or received inbound message).
/// </summary>
public sealed record LogEnvelope(string Kind, Message? Message)
{
    public const string MessageKind = "message";

    public static LogEnvelope ForMessage(Message message) => new(MessageKind, message);
}
