namespace MessagingGateway.Core.Payments;

/// <summary>Applies payment and refund statuses for the dispatcher (implemented by the payments domain).</summary>
public interface IPaymentUpdates
{
    /// <summary>Records the status when it moves the payment or refund forward (else it is only history) and says what follows.</summary>
    ValueTask<PaymentUpdateOutcome> ApplyAsync(PaymentUpdate update, CancellationToken cancellationToken);
}
