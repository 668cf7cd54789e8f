using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Dispatch;

/// <summary>Which connector carries each channel. In the default run every channel goes to the sandbox.</summary>
public sealed class ChannelRouter(IReadOnlyDictionary<Channel, IChannelConnector> connectors, IChannelConnector fallback)
{
    public IChannelConnector For(Channel channel) => connectors.TryGetValue(channel, out var connector) ? connector : fallback;
}
