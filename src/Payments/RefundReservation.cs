namespace MessagingGateway.Payments;

/// <summary>What taking a refund's amount out of a payment came to.</summary>
public enum RefundReservation
{
    Reserved,

    /// <summary>Only a paid payment can be refunded.</summary>
    NotPaid,

    /// <summary>Nothing to refund (a zero amount, or nothing left).</summary>
    Nothing,

    /// <summary>More than what can still be refunded.</summary>
    OverRemaining,
}
