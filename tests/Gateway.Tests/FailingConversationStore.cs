using MessagingGateway.Core.Model;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Gateway.Tests;

/// <summary>Which store write of an accepting request fails once.</summary>
public enum StoreWrite
{
    /// <summary>The message rows written right after the durable append (<c>PutAcceptedAsync</c>).</summary>
    MessageRows,

    /// <summary>Completing the idempotency record with the response (<c>PutIdempotencyAsync</c>).</summary>
    IdempotencyRecord,
}

/// <summary>The real store, except that one write of one kind fails once, as a full disk or a broken node would make it.</summary>
public sealed class FailingConversationStore(IConversationStore inner, StoreWrite fails) : IConversationStore
{
    private int _failures;

    /// <summary>How many writes this store failed on purpose: proves the test took the path it is about.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public ValueTask PutAcceptedAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        // The intake writes with CancellationToken.None (its write must outlive the client);
        // dispatch, which also writes missing rows, passes its stopping token. Failing only the
        // intake's write keeps the test on the path of the issue whichever of the two runs first.
        if (fails == StoreWrite.MessageRows && !cancellationToken.CanBeCanceled && FailOnce())
        {
            throw new IOException("Simulated store failure: the message rows were not written.");
        }

        return inner.PutAcceptedAsync(messages, cancellationToken);
    }

    public ValueTask PutIdempotencyAsync(IdempotencyRecord record, CancellationToken cancellationToken = default)
    {
        if (fails == StoreWrite.IdempotencyRecord && FailOnce())
        {
            throw new IOException("Simulated store failure: the idempotency record was not completed.");
        }

        return inner.PutIdempotencyAsync(record, cancellationToken);
    }

    public ValueTask PutMessageAsync(Message message, IReadOnlyList<StatusChange> statuses, CancellationToken cancellationToken = default) =>
        inner.PutMessageAsync(message, statuses, cancellationToken);

    public ValueTask AppendStatusAsync(Guid messageId, StatusChange change, CancellationToken cancellationToken = default) =>
        inner.AppendStatusAsync(messageId, change, cancellationToken);

    public ValueTask<StoredMessage?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken = default) =>
        inner.GetMessageAsync(messageId, cancellationToken);

    public ValueTask<MessagePlacement> GetPlacementAsync(Guid messageId, string conversationId, CancellationToken cancellationToken = default) =>
        inner.GetPlacementAsync(messageId, conversationId, cancellationToken);

    public ValueTask<ConversationSummary?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        inner.GetConversationAsync(conversationId, cancellationToken);

    public ValueTask<ConversationStats> GetConversationStatsAsync(string conversationId, CancellationToken cancellationToken = default) =>
        inner.GetConversationStatsAsync(conversationId, cancellationToken);

    public ValueTask AppendToTimelineAsync(TimelineAppend append, CancellationToken cancellationToken = default) =>
        inner.AppendToTimelineAsync(append, cancellationToken);

    public ValueTask<IReadOnlyList<TimelineEntry>> ReadTimelineAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadTimelineAsync(conversationId, afterSeq, limit, cancellationToken);

    public ValueTask<IdempotencyRecord?> GetIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default) =>
        inner.GetIdempotencyAsync(tenantId, key, cancellationToken);

    public ValueTask<IdempotencyRecord?> ClaimIdempotencyAsync(IdempotencyRecord claim, CancellationToken cancellationToken = default) =>
        inner.ClaimIdempotencyAsync(claim, cancellationToken);

    public ValueTask DeleteIdempotencyAsync(string tenantId, string key, CancellationToken cancellationToken = default) =>
        inner.DeleteIdempotencyAsync(tenantId, key, cancellationToken);

    private bool FailOnce() => Interlocked.CompareExchange(ref _failures, 1, 0) == 0;
}
