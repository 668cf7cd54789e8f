namespace MessagingGateway.Payments.Providers;

/// <summary>A refund to create (Mollie: <c>POST /v2/payments/{id}/refunds</c>).</summary>
/// <param name="IdempotencyKey">Derived from our refund id: the same on every retry.</param>
public sealed record NewProviderRefund(string IdempotencyKey, Amount Amount, string? Description, IReadOnlyDictionary<string, string> Metadata);
