using System.Collections.Concurrent;
using MessagingGateway.Core.Store;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Messages this dispatcher handed over and still expects receipts for, as it last stored them,
/// so the three receipts that follow a send do not each read and parse the message and its
/// history again. Only the lane that owns a conversation writes its messages' statuses, so what
/// is kept here is what the store holds; when partitions move, another dispatcher may write
/// them, and everything is forgotten.
/// </summary>
/// <remarks>
/// Two generations of at most <c>capacity</c> entries each: when the young one is full it becomes
/// the old one and the old one is dropped. Memory stays bounded without per-entry bookkeeping.
/// </remarks>
internal sealed class RecentMessages(int capacity)
{
    private readonly Lock _turn = new();
    private ConcurrentDictionary<Guid, StoredMessage> _young = new();
    private ConcurrentDictionary<Guid, StoredMessage> _old = new();
    private int _youngCount;

    public StoredMessage? Find(Guid messageId)
    {
        if (_young.TryGetValue(messageId, out var message))
        {
            return message;
        }

        if (_old.TryGetValue(messageId, out message))
        {
            Remember(message);
            return message;
        }

        return null;
    }

    public void Remember(StoredMessage message)
    {
        var young = _young;
        var id = message.Message.Id;
        var added = young.TryAdd(id, message);
        if (!added)
        {
            young[id] = message;
        }

        _old.TryRemove(id, out _);

        // Counted here: ConcurrentDictionary.Count takes every one of its locks, on each call.
        if (added && Interlocked.Increment(ref _youngCount) >= capacity)
        {
            lock (_turn)
            {
                if (ReferenceEquals(young, _young))
                {
                    _old = young;
                    _young = new ConcurrentDictionary<Guid, StoredMessage>();
                    Volatile.Write(ref _youngCount, 0);
                }
            }
        }
    }

    public void Forget(Guid messageId)
    {
        _young.TryRemove(messageId, out _);
        _old.TryRemove(messageId, out _);
    }

    public void Clear()
    {
        lock (_turn)
        {
            _young = new ConcurrentDictionary<Guid, StoredMessage>();
            _old = new ConcurrentDictionary<Guid, StoredMessage>();
            Volatile.Write(ref _youngCount, 0);
        }
    }
}
