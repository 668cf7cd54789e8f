using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// What one log record carries: a <c>message</c> (accepted outbound or received inbound) or a
/// <c>receipt</c> (a channel's delivery report). Both are keyed by conversation id.
/// </summary>
public sealed record LogEnvelope(string Kind, Message? Message, StatusReceipt? Receipt = null)
{
    public const string MessageKind = "message";
    public const string ReceiptKind = "receipt";

    public static LogEnvelope ForMessage(Message message) => new(MessageKind, message);

    public static LogEnvelope ForReceipt(StatusReceipt receipt) => new(ReceiptKind, null, receipt);

    /// <summary>The log key: the conversation, so everything about it shares a partition.</summary>
    public string ConversationId => Message?.ConversationId ?? Receipt?.ConversationId
        ?? throw new InvalidOperationException("An envelope carries a message or a receipt.");
}
