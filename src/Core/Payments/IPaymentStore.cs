namespace MessagingGateway.Core.Payments;

/// <summary>
/// Payments and refunds, Cassandra-shaped: reads by partition key (payment id, conversation id,
/// provider id), and every change of a payment is a compare-and-set on its version.
/// </summary>
public interface IPaymentStore
{
    /// <summary>Inserts the payment unless its id exists (<c>IF NOT EXISTS</c>); false when it did.</summary>
    ValueTask<bool> InsertPaymentAsync(PaymentRecord payment, CancellationToken cancellationToken = default);

    ValueTask<PaymentRecord?> GetPaymentAsync(string paymentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the payment if its stored version is still <paramref name="expectedVersion"/>
    /// (<paramref name="payment"/> carries the next version); false when another write came first.
    /// </summary>
    ValueTask<bool> TryUpdatePaymentAsync(PaymentRecord payment, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>The conversation's payments in creation order, after <paramref name="afterId"/>.</summary>
    ValueTask<IReadOnlyList<PaymentRecord>> ListPaymentsAsync(string conversationId, string? afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Our payment id for a provider's payment id.</summary>
    ValueTask<string?> FindByProviderIdAsync(string provider, string providerPaymentId, CancellationToken cancellationToken = default);

    /// <summary>Payments the provider may still change (to re-fetch after a restart and now and then).</summary>
    ValueTask<IReadOnlyList<PaymentRecord>> ListOpenPaymentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a refund.</summary>
    ValueTask PutRefundAsync(RefundRecord refund, CancellationToken cancellationToken = default);

    ValueTask<RefundRecord?> GetRefundAsync(string paymentId, string refundId, CancellationToken cancellationToken = default);

    /// <summary>Refunds not yet created at the provider and not given up (sent again with their own key).</summary>
    ValueTask<IReadOnlyList<RefundRecord>> ListUnsentRefundsAsync(CancellationToken cancellationToken = default);

    /// <summary>The payment's refunds in creation order.</summary>
    ValueTask<IReadOnlyList<RefundRecord>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken = default);
}
