using System.Threading.Channels;
using MessagingGateway.Core.Log;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// New outbox entries, handed from the dispatcher to the deliverer in memory, in order with the
/// changes of which log partitions this node owns: a node delivers the events of its partitions
/// only, so one event is delivered by one node. The outbox in the store is the durable copy
/// (read when a partition is given); this feed only saves the deliverer from polling it.
/// </summary>
public sealed class OutboxFeed : IPartitionAssignment
{
    private readonly Channel<OutboxFeedItem> _items = Channel.CreateUnbounded<OutboxFeedItem>(new UnboundedChannelOptions { SingleReader = true });

    public void Add(OutboxEntry entry) => _items.Writer.TryWrite(new OutboxFeedItem(entry, entry.Partition, Owned: true));

    /// <summary>The partitions are this node's now: their pending entries are read and delivered.</summary>
    public void Assigned(IReadOnlyList<int> partitions)
    {
        foreach (var partition in partitions)
        {
            _items.Writer.TryWrite(new OutboxFeedItem(null, partition, Owned: true));
        }
    }

    /// <summary>The partitions went to another node: their entries are left to it.</summary>
    public void Revoked(IReadOnlyList<int> partitions)
    {
        foreach (var partition in partitions)
        {
            _items.Writer.TryWrite(new OutboxFeedItem(null, partition, Owned: false));
        }
    }

    public ChannelReader<OutboxFeedItem> Reader => _items.Reader;
}
