namespace MessagingGateway.Core.Webhooks;

/// <summary>
/// Subscriptions, the per-tenant event stream, the delivery outbox and dead letters. Every read
/// is by tenant (the partition key); events cluster by their stream sequence.
/// </summary>
public interface IWebhookStore
{
    ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, CancellationToken cancellationToken = default);

    ValueTask PutSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the event unless one with its id exists and, when the tenant has a webhook endpoint,
    /// with it an outbox entry due at <paramref name="deliverAt"/>: both or neither. Returns the new
    /// outbox entry, or null when the event was stored before (a replay) or there is no endpoint
    /// (events from before an endpoint is configured are read through the events API).
    /// </summary>
    ValueTask<OutboxEntry?> PublishAsync(WebhookEvent webhookEvent, DateTimeOffset deliverAt, CancellationToken cancellationToken = default);

    ValueTask<WebhookEvent?> GetEventAsync(string tenantId, long seq, CancellationToken cancellationToken = default);

    /// <summary>The tenant's events with sequence greater than <paramref name="afterSeq"/>, in order.</summary>
    ValueTask<IReadOnlyList<WebhookEvent>> ReadEventsAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every pending outbox entry of every tenant (read once at start).</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(CancellationToken cancellationToken = default);

    ValueTask UpdateOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The event reached the tenant: the entry leaves the outbox.</summary>
    ValueTask CompleteOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Moves the entry from the outbox to the dead letters.</summary>
    ValueTask DeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(string tenantId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Moves a dead letter back to the outbox, due now; null if the tenant has no such dead letter.</summary>
    ValueTask<OutboxEntry?> RedeliverAsync(string tenantId, string eventId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
