using MessagingGateway.Payments.Mollie;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Payments;

/// <summary>
/// <c>POST /webhooks/payments/mollie</c>: Mollie posts <c>id=tr_…</c>, unsigned. The post is never
/// trusted: it is answered 200 at once (also for an unknown id, as Mollie asks) and only makes us
/// fetch the payment and its refunds from Mollie. A fetch that fails is caught up by the periodic
/// re-fetch of open payments.
/// </summary>
internal sealed partial class ProviderWebhooksApi(PaymentNotifications notifications, ILogger<ProviderWebhooksApi> logger)
{
    public async Task MollieAsync(HttpContext context)
    {
        string? id = null;
        if (context.Request.HasFormContentType && context.Request.ContentLength is null or < 4096)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            id = form["id"];
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        if (id is null || !MollieWebhook.IsPaymentId(id))
        {
            LogIgnored();
            return;
        }

        notifications.Enqueue("mollie", id);
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Mollie webhook without a payment id ignored")]
    private partial void LogIgnored();
}
