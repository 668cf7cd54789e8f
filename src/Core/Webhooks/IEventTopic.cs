namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// Where events are mirrored for other systems (the Kafka <c>events</c> topic). Published on
/// every processing of a record, replays included: consumers dedupe on the stable event id.
/// </summary>
public interface IEventTopic
{
    ValueTask PublishAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);
}
