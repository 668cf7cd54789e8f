namespace MessagingGateway.Core.Payments;

/// <summary>A refund of a payment, as the store keeps it.</summary>
/// <param name="ProviderRefundId">Null until the provider has created it.</param>
public sealed record RefundRecord(
    string Id,
    string PaymentId,
    string TenantId,
    string ConversationId,
    string? ProviderRefundId,
    string Status,
    string Currency,
    long AmountMinor,
    string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Whether its amount no longer counts against the payment (failed or canceled).</summary>
    public bool Released => Status is "failed" or "canceled";
}
