using System.Threading.Channels;
using MessagingGateway.Payments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Payments;

/// <summary>
/// Providers' "look at this id" notifications (Mollie's webhook, the sandbox checkout), handled
/// one after another off the request: the notification is answered at once, the fetch follows.
/// A hosted service, so nothing touches the store once the host is stopping; a notification
/// lost that way is caught up by the periodic re-fetch of open payments.
/// </summary>
internal sealed partial class PaymentNotifications(PaymentSync sync, ILogger<PaymentNotifications> logger) : BackgroundService
{
    private readonly Channel<(string Provider, string Id)> _queue = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(string provider, string providerPaymentId) => _queue.Writer.TryWrite((provider, providerPaymentId));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (provider, id) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await sync.NotifyAsync(provider, id, stoppingToken);
                }
                catch (Exception ex) when (ex is MessagingGateway.Payments.Providers.PaymentProviderException or MessagingGateway.Core.Log.LogUnavailableException)
                {
                    LogFetchFailed(provider, id, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Fetching {Provider} payment {Id} after its notification failed; the periodic re-fetch will catch up")]
    private partial void LogFetchFailed(string provider, string id, Exception exception);
}
