namespace MessagingGateway.Payments.Providers;

/// <summary>What to create at the provider (Mollie: <c>POST /v2/payments</c>).</summary>
/// <param name="IdempotencyKey">Derived from our payment id: the same on every retry.</param>
/// <param name="Metadata">Echoed back by the provider; we put our payment and conversation ids in it.</param>
public sealed record NewProviderPayment(
    string IdempotencyKey,
    Amount Amount,
    string Description,
    string RedirectUrl,
    string? WebhookUrl,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Metadata);
