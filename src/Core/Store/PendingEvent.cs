using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Core.Store;

/// <summary>An event a dispatch unit publishes, and when its delivery is due.</summary>
/// <param name="IsNew">
/// Its cause (a status change) is written in the same unit for the first time, so it cannot have
/// been stored before and the store need not look for it; otherwise (a replay making sure) it may
/// have been, and is stored only if not.
/// </param>
public readonly record struct PendingEvent(WebhookEvent Event, DateTimeOffset DeliverAt, bool IsNew)
{
    public void Deconstruct(out WebhookEvent webhookEvent, out DateTimeOffset deliverAt)
    {
        webhookEvent = Event;
        deliverAt = DeliverAt;
    }
}
