using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Payments.Sandbox;

/// <summary>The sandbox provider's own row of a refund: pending, then refunded after the delay.</summary>
internal sealed class SandboxRefund
{
    public string Id { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public string Currency { get; set; } = "EUR";
    public long AmountMinor { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];

    public ProviderRefund ToProvider(string paymentId, DateTimeOffset now, TimeSpan delay) =>
        new(Id, paymentId, now - CreatedAt >= delay ? RefundStatus.Refunded : RefundStatus.Pending, new Amount(Currency, AmountMinor), Description, CreatedAt, Metadata);
}
