using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Store;

/// <summary>
/// A conversation's header row: who talks on which channel and since when. Counters live in
/// <see cref="ConversationStats"/>, written by the single timeline writer of the partition.
/// </summary>
public sealed record ConversationSummary(
    string Id,
    string TenantId,
    Channel Channel,
    string BusinessAddress,
    string CustomerAddress,
    DateTimeOffset OpenedAt)
{
    /// <summary>The header of the conversation <paramref name="message"/> belongs to, as if it opened it.</summary>
    public static ConversationSummary OpenedBy(Message message) =>
        new(message.ConversationId, message.TenantId, message.Channel, message.BusinessAddress, message.CustomerAddress, message.AcceptedAt);
}
