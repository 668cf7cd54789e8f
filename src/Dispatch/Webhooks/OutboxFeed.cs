using System.Threading.Channels;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// New outbox entries, handed from the dispatcher to the deliverer in memory. The outbox in the
/// store is the durable copy; this feed only saves the deliverer from polling it.
/// </summary>
public sealed class OutboxFeed
{
    private readonly Channel<OutboxEntry> _entries = Channel.CreateUnbounded<OutboxEntry>(new UnboundedChannelOptions { SingleReader = true });

    public void Add(OutboxEntry entry) => _entries.Writer.TryWrite(entry);

    public ChannelReader<OutboxEntry> Reader => _entries.Reader;
}
