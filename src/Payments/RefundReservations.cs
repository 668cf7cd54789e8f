using MessagingGateway.Core.Payments;

namespace MessagingGateway.Payments;

/// <summary>
/// The one place a refund's amount is taken from or given back to a payment: a compare-and-set
/// on the payment's version, retried when another write came first. Of concurrent refunds each
/// sees the others' reservations, so together they never exceed what was paid, whichever
/// gateway node runs them, as long as the store's conditional write is atomic.
/// </summary>
public static class RefundReservations
{
    /// <summary>Reserves <paramref name="askedMinor"/> (or the whole remainder when null).</summary>
    public static async ValueTask<(RefundReservation Outcome, long Minor, PaymentRecord? Payment)> ReserveAsync(IPaymentStore payments, string paymentId, long? askedMinor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payments);
        while (true)
        {
            var payment = await payments.GetPaymentAsync(paymentId, cancellationToken);
            if (payment is null || payment.Status != "paid")
            {
                return (RefundReservation.NotPaid, 0, payment);
            }

            var remaining = payment.AmountMinor - payment.RefundedMinor;
            var minor = askedMinor ?? remaining;
            if (minor <= 0)
            {
                return (RefundReservation.Nothing, 0, payment);
            }

            if (minor > remaining)
            {
                return (RefundReservation.OverRemaining, 0, payment);
            }

            var reserved = payment with { RefundedMinor = payment.RefundedMinor + minor, Version = payment.Version + 1 };
            if (await payments.TryUpdatePaymentAsync(reserved, payment.Version, cancellationToken))
            {
                return (RefundReservation.Reserved, minor, reserved);
            }
        }
    }

    /// <summary>Gives a failed or refused refund's amount back to its payment.</summary>
    public static async ValueTask ReleaseAsync(IPaymentStore payments, RefundRecord refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(refund);
        while (await payments.GetPaymentAsync(refund.PaymentId, cancellationToken) is { } payment)
        {
            var released = payment with { RefundedMinor = Math.Max(0, payment.RefundedMinor - refund.AmountMinor), Version = payment.Version + 1 };
            if (await payments.TryUpdatePaymentAsync(released, payment.Version, cancellationToken))
            {
                return;
            }
        }
    }
}
