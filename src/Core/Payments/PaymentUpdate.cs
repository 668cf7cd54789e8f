namespace MessagingGateway.Core.Payments;

/// <summary>
/// A status the provider reported for a payment or one of its refunds, fetched from the provider
/// (never taken from a notification's body). It goes through the log keyed by the payment's
/// conversation, so the dispatcher owning the conversation applies it in order with its messages.
/// </summary>
/// <param name="RefundId">Our refund id for a refund's status; null for the payment's own.</param>
public sealed record PaymentUpdate(string TenantId, string ConversationId, string PaymentId, string? RefundId, string Status, DateTimeOffset At);
