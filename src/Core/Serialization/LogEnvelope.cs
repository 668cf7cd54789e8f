using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// What one log record carries: a <c>message</c> (accepted outbound or received inbound), a
/// <c>receipt</c> (a channel's delivery report) or a <c>payment</c> status fetched from a payment
/// provider. All are keyed by conversation id.
/// </summary>
public sealed record LogEnvelope(string Kind, Message? Message, StatusReceipt? Receipt = null, PaymentUpdate? Payment = null)
{
    public const string MessageKind = "message";
    public const string ReceiptKind = "receipt";
    public const string PaymentKind = "payment";

    public static LogEnvelope ForMessage(Message message) => new(MessageKind, message);

    public static LogEnvelope ForReceipt(StatusReceipt receipt) => new(ReceiptKind, null, receipt);

    public static LogEnvelope ForPayment(PaymentUpdate update) => new(PaymentKind, null, null, update);

    /// <summary>The log key: the conversation, so everything about it shares a partition.</summary>
    public string ConversationId => Message?.ConversationId ?? Receipt?.ConversationId ?? Payment?.ConversationId
        ?? throw new InvalidOperationException("An envelope carries a message, a receipt or a payment update.");
}
