namespace MessagingGateway.Gateway.Payments;

/// <summary>The body of <c>POST /sandbox/checkout/{paymentId}</c> from a script.</summary>
internal sealed class CheckoutRequest
{
    public string? Outcome { get; set; }
}
