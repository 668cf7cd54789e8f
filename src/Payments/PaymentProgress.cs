namespace MessagingGateway.Payments;

/// <summary>
/// The one rule of payment and refund statuses: they only move forward. A final status (paid,
/// failed, canceled, expired; refunded, failed, canceled) never changes; a late earlier status
/// (a <c>pending</c> after <c>paid</c>) is history, not the current state.
/// </summary>
public static class PaymentProgress
{
    public static bool Advances(PaymentStatus current, PaymentStatus next) => Rank(next) > Rank(current);

    public static bool Advances(RefundStatus current, RefundStatus next) => Rank(next) > Rank(current);

    public static bool IsFinal(PaymentStatus status) => Rank(status) == 3;

    private static int Rank(PaymentStatus status) => status switch
    {
        PaymentStatus.Open => 0,
        PaymentStatus.Pending => 1,
        PaymentStatus.Authorized => 2,
        _ => 3,
    };

    private static int Rank(RefundStatus status) => status switch
    {
        RefundStatus.Queued => 0,
        RefundStatus.Pending => 1,
        RefundStatus.Processing => 2,
        _ => 3,
    };
}
