using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Store;

/// <summary>
/// The store of conversations, messages and statuses. Deliberately narrow and Cassandra-shaped:
/// every read is by partition key (message id, conversation id, tenant + key), timelines cluster by
/// sequence, and the only multi-row write is a logged batch within one message's conversation.
/// </summary>
public interface IConversationStore
{
    /// <summary>Writes the message row and its initial status rows (upsert: writing the same message twice is harmless).</summary>
    ValueTask PutMessageAsync(Message message, IReadOnlyList<StatusChange> statuses, CancellationToken cancellationToken = default);

    /// <summary>Adds one status change to a message's history (clustering by its sequence).</summary>
    ValueTask AppendStatusAsync(Guid messageId, StatusChange change, CancellationToken cancellationToken = default);

    ValueTask<StoredMessage?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>A message's status history and timeline place, with its conversation's counters, read together (one round trip).</summary>
    ValueTask<MessagePlacement> GetPlacementAsync(Guid messageId, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes newly accepted messages, each with its <c>accepted</c> status (sequence 1), and
    /// inserts the header of every conversation they open (<c>INSERT … IF NOT EXISTS</c>; the first
    /// header stays). An upsert: writing the same messages again is harmless. In Cassandra these
    /// are independent inserts issued concurrently; the embedded store writes them in one batch.
    /// </summary>
    ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="PutAcceptedAsync(IReadOnlyList{Message}, CancellationToken)"/>, with the log
    /// records the messages were appended as (same order): a store may keep a record's bytes as the
    /// message's row instead of encoding the message a second time.
    /// </summary>
    ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, IReadOnlyList<Log.LogRecord> records, CancellationToken cancellationToken = default) =>
        PutAcceptedAsync(messages, cancellationToken);

    ValueTask<ConversationSummary?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default);

    ValueTask<ConversationStats> GetConversationStatsAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Atomically places a message on the timeline, records its sequence, and updates the counters.</summary>
    ValueTask AppendToTimelineAsync(TimelineAppend append, CancellationToken cancellationToken = default);

    /// <summary>Timeline rows with sequence greater than <paramref name="afterSeq"/>, ascending.</summary>
    ValueTask<IReadOnlyList<TimelineEntry>> ReadTimelineAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The record for the key, unless it expired: records live for the store's retention after
    /// <see cref="IdempotencyRecord.CreatedAt"/> (a table TTL in Cassandra, 24 h by default).
    /// </summary>
    ValueTask<IdempotencyRecord?> GetIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts the record unless an unexpired one exists (<c>INSERT … IF NOT EXISTS</c>): returns
    /// null when the claim was applied, otherwise the record that already holds the key.
    /// </summary>
    ValueTask<IdempotencyRecord?> ClaimIdempotencyAsync(IdempotencyRecord claim, CancellationToken cancellationToken = default);

    /// <summary>Overwrites the record for its key (completing a claim, or taking over an abandoned one).</summary>
    ValueTask PutIdempotencyAsync(IdempotencyRecord record, CancellationToken cancellationToken = default);

    ValueTask DeleteIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default);
}
