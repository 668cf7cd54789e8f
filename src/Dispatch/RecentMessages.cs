using MessagingGateway.Core.Store;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Messages this dispatcher handed over and still expects receipts for, as it last stored them,
/// so the three receipts that follow a send do not each read and parse the message and its
/// history again. Only the lane that owns a conversation writes its messages' statuses, so what
/// is kept here is what the store holds; when partitions move, another dispatcher may write
/// them, and everything is forgotten.
/// </summary>
/// <remarks>Bounded by <see cref="RecentEntries{TKey, TValue}"/>: two generations of at most <c>capacity</c> entries each.</remarks>
internal sealed class RecentMessages(int capacity)
{
    private readonly RecentEntries<Guid, StoredMessage> _entries = new(capacity);

    public StoredMessage? Find(Guid messageId) => _entries.TryGet(messageId, out var message) ? message : null;

    public void Remember(StoredMessage message) => _entries.Remember(message.Message.Id, message);

    public void Forget(Guid messageId) => _entries.Forget(messageId);

    public void Clear() => _entries.Clear();
}
