using MessagingGateway.Core.Diagnostics;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Payments;
using MessagingGateway.Payments.Providers;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Payments;

/// <summary>
/// Creates a refund at the provider under its own id as the idempotency key, so sending it again
/// (a client's retry, or the re-fetch round for a refund left queued) can never refund twice.
/// </summary>
public sealed partial class RefundSubmission(IPaymentStore payments, PaymentAccounts accounts, PaymentSync sync, TimeProvider time, ILogger<RefundSubmission> logger)
{
    /// <summary>
    /// Sends the refund and stores what the provider made of it. A refusal marks it failed and
    /// gives its amount back before rethrowing; a transient failure leaves it queued with its
    /// amount reserved, to be sent again with the same key.
    /// </summary>
    public async ValueTask<RefundRecord> SubmitAsync(PaymentRecord payment, RefundRecord refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(refund);
        try
        {
            if (accounts.Provider(payment.Provider) is not { } provider || payment.ProviderPaymentId is null)
            {
                throw new PaymentProviderException(503, "Provider not available", $"The payment provider '{payment.Provider}' is not configured on this gateway.");
            }

            var created = await provider.CreateRefundAsync(accounts.CredentialsOf(payment.TenantId), payment.ProviderPaymentId, new NewProviderRefund(
                refund.Id, new Amount(refund.Currency, refund.AmountMinor), refund.Description,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["refundId"] = refund.Id, ["paymentId"] = payment.Id }),
                cancellationToken);
            refund = refund with { ProviderRefundId = created.Id, Status = FirstStatus(created.Status), UpdatedAt = time.GetUtcNow() };
            await payments.PutRefundAsync(refund, cancellationToken);
            GatewayMetrics.RefundsCreated.Add(1, new KeyValuePair<string, object?>("provider", payment.Provider));
        }
        catch (PaymentProviderException ex) when (!ex.IsTransient)
        {
            LogRefused(payment.Provider, refund.Id, ex.Status, ex.Title);
            await RefundReservations.ReleaseAsync(payments, refund, cancellationToken);
            await payments.PutRefundAsync(refund with { Status = "failed", UpdatedAt = time.GetUtcNow() }, cancellationToken);
            throw;
        }

        // Its first status as an event too, in the conversation's order with what follows.
        try
        {
            await sync.AppendAsync([new PaymentUpdate(payment.TenantId, payment.ConversationId, payment.Id, refund.Id, refund.Status, refund.UpdatedAt)], cancellationToken);
        }
        catch (LogUnavailableException ex)
        {
            LogFirstStatusLost(refund.Id, ex); // the refund stands; later statuses still come as events
        }

        return refund;
    }

    /// <summary>A refund starts as the provider has it, but never ahead of what the log will apply.</summary>
    private static string FirstStatus(RefundStatus status) => status is RefundStatus.Queued or RefundStatus.Pending or RefundStatus.Processing ? status.ToWire() : "pending";

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning, Message = "Provider {Provider} refused refund {RefundId}: HTTP {Status} {Title}; its amount is free again")]
    private partial void LogRefused(string provider, string refundId, int status, string title);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "The first status of refund {RefundId} could not be appended to the log; no event for it")]
    private partial void LogFirstStatusLost(string refundId, Exception exception);
}
