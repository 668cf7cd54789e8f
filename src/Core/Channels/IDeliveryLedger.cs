using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// What the dispatcher remembers about deliveries: which messages went to their channel (so a
/// replayed record is not sent twice) and receipts for messages nobody knows (kept and counted).
/// </summary>
public interface IDeliveryLedger
{
    ValueTask<ChannelHandoff?> GetHandoffAsync(Guid messageId, CancellationToken cancellationToken = default);

    ValueTask PutHandoffAsync(ChannelHandoff handoff, CancellationToken cancellationToken = default);

    ValueTask RecordOrphanAsync(StatusReceipt receipt, CancellationToken cancellationToken = default);

    ValueTask<long> CountOrphansAsync(CancellationToken cancellationToken = default);
}
