namespace MessagingGateway.Payments;

/// <summary>A payment's status, as Mollie names them (v2 <c>payment-status</c>).</summary>
public enum PaymentStatus
{
    Open,
    Pending,
    Authorized,
    Paid,
    Failed,
    Canceled,
    Expired,
}
