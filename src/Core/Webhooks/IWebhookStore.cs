namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// Subscriptions, the tenants' event streams, the delivery outbox and dead letters. Every read
/// is by tenant and log partition (the partition key); events cluster by their sequence in it.
/// </summary>
public interface IWebhookStore
{
    ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, CancellationToken cancellationToken = default);

    ValueTask PutSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the event with the next sequence of its tenant's stream in <see cref="WebhookEvent.Partition"/>
    /// unless one with its id exists and, when the tenant has a webhook endpoint,
    /// with it an outbox entry due at <paramref name="deliverAt"/>: both or neither. Returns the new
    /// outbox entry, or null when the event was stored before (a replay) or there is no endpoint
    /// (events from before an endpoint is configured are read through the events API).
    /// </summary>
    ValueTask<OutboxEntry?> PublishAsync(WebhookEvent webhookEvent, DateTimeOffset deliverAt, CancellationToken cancellationToken = default);

    ValueTask<WebhookEvent?> GetEventAsync(string tenantId, int partition, long seq, CancellationToken cancellationToken = default);

    /// <summary>The tenant's events in <paramref name="partition"/> with sequence greater than <paramref name="afterSeq"/>, in order.</summary>
    ValueTask<IReadOnlyList<WebhookEvent>> ReadEventsAsync(string tenantId, int partition, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The pending outbox entries of every tenant's events in <paramref name="partition"/>: read by the node given the partition, which delivers them.</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(int partition, CancellationToken cancellationToken = default);

    ValueTask UpdateOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The event reached the tenant: the entry leaves the outbox.</summary>
    ValueTask CompleteOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Moves the entry from the outbox to the dead letters.</summary>
    ValueTask DeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default);

    /// <summary>The tenant's dead letters after the given place, ordered by partition, then sequence.</summary>
    ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(string tenantId, int afterPartition, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Moves a dead letter back to the outbox, due now; null if the tenant has no such dead letter.</summary>
    ValueTask<OutboxEntry?> RedeliverAsync(string tenantId, string eventId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
