namespace MessagingGateway.Payments.Providers;

/// <summary>A payment as the provider reports it.</summary>
/// <param name="CheckoutUrl">Where the customer pays (Mollie: <c>_links.checkout.href</c>); null once it cannot be paid any more.</param>
/// <param name="AmountRefunded">Null when the payment cannot be refunded (not paid).</param>
/// <param name="AmountRemaining">What can still be refunded; null when nothing can.</param>
public sealed record ProviderPayment(
    string Id,
    PaymentStatus Status,
    Amount Amount,
    string Description,
    string? CheckoutUrl,
    Amount? AmountRefunded,
    Amount? AmountRemaining,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Metadata);
