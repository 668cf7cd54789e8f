using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Gateway.Tests;

/// <summary>The real webhook store, except that the next reads of an event fail as a disk or a database might.</summary>
internal sealed class FailingWebhookStore(IWebhookStore inner) : IWebhookStore
{
    private int _failEventReads;

    public void FailNextEventReads(int count) => Volatile.Write(ref _failEventReads, count);

    public ValueTask<WebhookEvent?> GetEventAsync(string tenantId, int partition, long seq, CancellationToken cancellationToken = default) =>
        Interlocked.Decrement(ref _failEventReads) >= 0
            ? throw new IOException("injected: the store cannot read right now")
            : inner.GetEventAsync(tenantId, partition, seq, cancellationToken);

    public ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, CancellationToken cancellationToken = default) => inner.GetSubscriptionAsync(tenantId, cancellationToken);

    public ValueTask PutSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default) => inner.PutSubscriptionAsync(subscription, cancellationToken);

    public ValueTask<OutboxEntry?> PublishAsync(WebhookEvent webhookEvent, DateTimeOffset deliverAt, CancellationToken cancellationToken = default) => inner.PublishAsync(webhookEvent, deliverAt, cancellationToken);

    public ValueTask<IReadOnlyList<WebhookEvent>> ReadEventsAsync(string tenantId, int partition, long afterSeq, int limit, CancellationToken cancellationToken = default) => inner.ReadEventsAsync(tenantId, partition, afterSeq, limit, cancellationToken);

    public ValueTask<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(int partition, CancellationToken cancellationToken = default) => inner.ReadOutboxAsync(partition, cancellationToken);

    public ValueTask UpdateOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default) => inner.UpdateOutboxAsync(entry, cancellationToken);

    public ValueTask CompleteOutboxAsync(OutboxEntry entry, CancellationToken cancellationToken = default) => inner.CompleteOutboxAsync(entry, cancellationToken);

    public ValueTask DeadLetterAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default) => inner.DeadLetterAsync(deadLetter, cancellationToken);

    public ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(string tenantId, int afterPartition, long afterSeq, int limit, CancellationToken cancellationToken = default) => inner.ReadDeadLettersAsync(tenantId, afterPartition, afterSeq, limit, cancellationToken);

    public ValueTask<OutboxEntry?> RedeliverAsync(string tenantId, string eventId, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.RedeliverAsync(tenantId, eventId, now, cancellationToken);
}
