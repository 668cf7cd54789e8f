using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Gateway.Tests;

/// <summary>The real store, except that placing a message whose text is <see cref="PoisonText"/> on its timeline fails, every time, until <see cref="Heal"/>.</summary>
internal sealed class PoisonTimelineStore(IConversationStore inner) : IConversationStore
{
    public const string PoisonText = "poison";

    private volatile bool _healed;

    public void Heal() => _healed = true;

    public ValueTask AppendToTimelineAsync(TimelineAppend append, CancellationToken cancellationToken = default) =>
        !_healed && append.Message.Content.Text == PoisonText
            ? throw new InvalidOperationException("injected: this message cannot be stored")
            : inner.AppendToTimelineAsync(append, cancellationToken);

    public ValueTask PutMessageAsync(Message message, IReadOnlyList<StatusChange> statuses, CancellationToken cancellationToken = default) => inner.PutMessageAsync(message, statuses, cancellationToken);

    public ValueTask AppendStatusAsync(Guid messageId, StatusChange change, CancellationToken cancellationToken = default) => inner.AppendStatusAsync(messageId, change, cancellationToken);

    public ValueTask<StoredMessage?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken = default) => inner.GetMessageAsync(messageId, cancellationToken);

    public ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default) => inner.PutAcceptedAsync(messages, cancellationToken);

    public ValueTask<ConversationSummary?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) => inner.GetConversationAsync(conversationId, cancellationToken);

    public ValueTask<ConversationStats> GetConversationStatsAsync(string conversationId, CancellationToken cancellationToken = default) => inner.GetConversationStatsAsync(conversationId, cancellationToken);

    public ValueTask<IReadOnlyList<TimelineEntry>> ReadTimelineAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default) => inner.ReadTimelineAsync(conversationId, afterSeq, limit, cancellationToken);

    public ValueTask<IdempotencyRecord?> GetIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default) => inner.GetIdempotencyAsync(tenantId, key, cancellationToken);

    public ValueTask<IdempotencyRecord?> ClaimIdempotencyAsync(IdempotencyRecord claim, CancellationToken cancellationToken = default) => inner.ClaimIdempotencyAsync(claim, cancellationToken);

    public ValueTask PutIdempotencyAsync(IdempotencyRecord record, CancellationToken cancellationToken = default) => inner.PutIdempotencyAsync(record, cancellationToken);

    public ValueTask DeleteIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default) => inner.DeleteIdempotencyAsync(tenantId, key, cancellationToken);
}
