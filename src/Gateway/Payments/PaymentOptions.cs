namespace MessagingGateway.Gateway.Payments;

/// <summary>Settings of payments (section <c>Payments</c>).</summary>
public sealed class PaymentOptions
{
    /// <summary>
    /// Where the outside world reaches this gateway (<c>https://gw.example.com/</c>): Mollie's
    /// webhook and the customer's return page. Unset: the address the gateway listens on, and no
    /// webhook is given to Mollie (it refuses localhost; the periodic re-fetch still sees changes).
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Mollie's API (regional endpoints and tests point elsewhere).</summary>
    public Uri MollieApiBaseUrl { get; set; } = new("https://api.mollie.com/v2/");

    /// <summary>How often payments still open are fetched again from their provider (also at start).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a sandbox refund stays pending before it is refunded.</summary>
    public TimeSpan SandboxRefundDelay { get; set; } = TimeSpan.FromMilliseconds(300);
}
