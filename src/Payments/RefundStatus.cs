namespace MessagingGateway.Payments;

/// <summary>A refund's status, as Mollie names them.</summary>
public enum RefundStatus
{
    Queued,
    Pending,
    Processing,
    Refunded,
    Failed,
    Canceled,
}
