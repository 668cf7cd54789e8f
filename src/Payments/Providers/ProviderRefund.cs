namespace MessagingGateway.Payments.Providers;

/// <summary>A refund as the provider reports it.</summary>
public sealed record ProviderRefund(
    string Id,
    string PaymentId,
    RefundStatus Status,
    Amount Amount,
    string? Description,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, string> Metadata);
