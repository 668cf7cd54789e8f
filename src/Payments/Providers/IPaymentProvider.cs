namespace MessagingGateway.Payments.Providers;

/// <summary>
/// A payment service provider (Mollie, or the sandbox's own checkout). Every POST carries an
/// idempotency key derived from our own payment or refund id, so a retry after a crash can never
/// create a second payment or refund. Failures are <see cref="PaymentProviderException"/>.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The provider's name in our API and settings (<c>sandbox</c>, <c>mollie</c>).</summary>
    string Name { get; }

    ValueTask<ProviderPayment> CreatePaymentAsync(ProviderCredentials credentials, NewProviderPayment payment, CancellationToken cancellationToken);

    /// <summary>The payment as the provider has it now, or null when it does not know the id.</summary>
    ValueTask<ProviderPayment?> GetPaymentAsync(ProviderCredentials credentials, string paymentId, CancellationToken cancellationToken);

    ValueTask<ProviderRefund> CreateRefundAsync(ProviderCredentials credentials, string paymentId, NewProviderRefund refund, CancellationToken cancellationToken);

    /// <summary>Every refund of the payment (all pages).</summary>
    ValueTask<IReadOnlyList<ProviderRefund>> ListRefundsAsync(ProviderCredentials credentials, string paymentId, CancellationToken cancellationToken);
}
