namespace MessagingGateway.Gateway.Payments;

/// <summary>The body of <c>POST /v1/conversations/{id}/payments</c>.</summary>
internal sealed class PaymentRequest
{
    public AmountBody? Amount { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The line above the link in the chat; the tenant's default when absent.</summary>
    public string? Message { get; set; }
}
