namespace MessagingGateway.Gateway.Payments;

/// <summary>The body of <c>POST /v1/payments/{id}/refunds</c>; no amount refunds the whole remainder.</summary>
internal sealed class RefundRequest
{
    public AmountBody? Amount { get; set; }

    public string? Description { get; set; }
}
