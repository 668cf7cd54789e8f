using MessagingGateway.Core.Payments;
using MessagingGateway.Payments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Gateway.Payments;

/// <summary>
/// Nothing is lost while we were down: at start and every <see cref="PaymentOptions.ReconcileInterval"/>
/// the payments still open are fetched again from their provider, so a missed webhook never
/// leaves a paid order looking unpaid (and an expiry is seen); refunds that never reached their
/// provider (it was down, or we crashed) are sent again under their own idempotency key.
/// </summary>
internal sealed partial class PaymentReconciler(IPaymentStore payments, PaymentSync sync, RefundSubmission refunds, TimeProvider time, IOptions<PaymentOptions> options, ILogger<PaymentReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var payment in await payments.ListOpenPaymentsAsync(stoppingToken))
                {
                    try
                    {
                        await sync.SyncAsync(payment, stoppingToken);
                    }
                    catch (Exception ex) when (ex is MessagingGateway.Payments.Providers.PaymentProviderException or MessagingGateway.Core.Log.LogUnavailableException)
                    {
                        LogSyncFailed(payment.Id, ex);
                    }
                }

                foreach (var refund in await payments.ListUnsentRefundsAsync(stoppingToken))
                {
                    // Not one a request is sending right now.
                    if (time.GetUtcNow() - refund.UpdatedAt < options.Value.ReconcileInterval || await payments.GetPaymentAsync(refund.PaymentId, stoppingToken) is not { } payment)
                    {
                        continue;
                    }

                    try
                    {
                        await refunds.SubmitAsync(payment, refund, stoppingToken);
                    }
                    catch (MessagingGateway.Payments.Providers.PaymentProviderException ex)
                    {
                        LogSyncFailed(refund.Id, ex);
                    }
                }

                await Task.Delay(options.Value.ReconcileInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "Re-fetching or re-sending {Id} failed; trying again next round")]
    private partial void LogSyncFailed(string id, Exception exception);
}
