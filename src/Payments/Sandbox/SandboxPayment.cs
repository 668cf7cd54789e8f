using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Payments.Sandbox;

/// <summary>The sandbox provider's own row of a payment.</summary>
internal sealed class SandboxPayment
{
    public string Id { get; set; } = "";
    public string OurId { get; set; } = "";
    public string Status { get; set; } = "open";
    public string Currency { get; set; } = "EUR";
    public long AmountMinor { get; set; }
    public string Description { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public List<SandboxRefund> Refunds { get; set; } = [];

    public ProviderPayment ToProvider(DateTimeOffset now, Uri checkoutBase)
    {
        var current = PaymentWireNames.TryParsePayment(Status, out var status) ? status.Value : PaymentStatus.Open;
        if (current == PaymentStatus.Open && ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            current = PaymentStatus.Expired; // honoured at read time, as Mollie's own clock would
        }

        var amount = new Amount(Currency, AmountMinor);
        Amount? refunded = null;
        Amount? remaining = null;
        if (current == PaymentStatus.Paid)
        {
            long taken = 0;
            foreach (var refund in Refunds)
            {
                taken += refund.AmountMinor;
            }

            refunded = new Amount(Currency, taken);
            remaining = new Amount(Currency, Math.Max(0, AmountMinor - taken));
        }

        var checkout = current == PaymentStatus.Open ? new Uri(checkoutBase, "sandbox/checkout/" + OurId).ToString() : null;
        return new ProviderPayment(Id, current, amount, Description, checkout, refunded, remaining, CreatedAt, PaidAt, ExpiresAt, Metadata);
    }
}
