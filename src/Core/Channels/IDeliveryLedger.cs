using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// What the dispatcher remembers about deliveries: which messages went to their channel (so a
/// replayed record is not sent twice) and receipts for messages nobody knows (kept and counted).
/// </summary>
public interface IDeliveryLedger
{
    ValueTask<ChannelHandoff?> GetHandoffAsync(Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the hand-over unless the message has one (<c>IF NOT EXISTS</c>: the first stays, it
    /// says when the message first left), and the provider's message id either way, so receipts of
    /// a second send (two nodes racing over a partition) still find the message.
    /// </summary>
    ValueTask PutHandoffAsync(ChannelHandoff handoff, CancellationToken cancellationToken = default);

    /// <summary>Our message id for a provider's message id (from a hand-over), or null.</summary>
    ValueTask<Guid?> FindByProviderIdAsync(string providerMessageId, CancellationToken cancellationToken = default);

    ValueTask RecordOrphanAsync(StatusReceipt receipt, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the orphan receipts kept under <paramref name="messageId"/>.</summary>
    ValueTask<IReadOnlyList<StatusReceipt>> TakeOrphansAsync(Guid messageId, CancellationToken cancellationToken = default);

    ValueTask<long> CountOrphansAsync(CancellationToken cancellationToken = default);
}
