namespace MessagingGateway.Core.Payments;

/// <summary>
/// A payment bound to a conversation, as the store keeps it. Amounts are whole minor units of
/// <see cref="Currency"/> (never floating point). <see cref="Version"/> grows by one with every
/// write, so a change is a compare-and-set on it (a lightweight transaction in Cassandra, an
/// <c>UPDATE … WHERE version = @v</c> in PostgreSQL): concurrent refunds can never together
/// take more than was paid, on one node or many.
/// </summary>
/// <param name="ProviderPaymentId">Null until the provider has created it (a crash in between leaves it null; a retry fills it).</param>
/// <param name="RefundedMinor">Reserved by refunds that were not refused: what can no longer be refunded.</param>
/// <param name="RedirectUrl">Given to the provider; kept so a retry sends the very same request under the same key.</param>
/// <param name="WebhookUrl">Given to the provider (null: none); kept for the same reason.</param>
public sealed record PaymentRecord(
    string Id,
    string TenantId,
    string ConversationId,
    string Provider,
    string? ProviderPaymentId,
    string Status,
    string Currency,
    long AmountMinor,
    long RefundedMinor,
    string Description,
    string? CheckoutUrl,
    Guid MessageId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset UpdatedAt,
    long Version,
    string? RedirectUrl = null,
    string? WebhookUrl = null)
{
    /// <summary>Whether the provider may still change the payment's status (open, pending, authorized).</summary>
    public bool IsOpen => Status is "open" or "pending" or "authorized";
}
