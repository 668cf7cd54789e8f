using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Dispatch;

/// <summary>
/// Which connector takes a message: the channel's provider when the tenant has an account whose
/// sender is the message's <c>from</c>; otherwise the sandbox handsets (tenants with the sandbox
/// try every channel there; the API refuses such sends for tenants without it).
/// </summary>
public sealed class ChannelRouter(IReadOnlyDictionary<Channel, IChannelConnector> connectors, IChannelConnector sandbox, IChannelAccountStore? accounts = null)
{
    public async ValueTask<IChannelConnector> ForAsync(Message message, CancellationToken cancellationToken)
    {
        if (accounts is not null
            && connectors.TryGetValue(message.Channel, out var connector)
            && await accounts.FindBySenderAsync(message.TenantId, message.Channel, message.BusinessAddress, cancellationToken) is not null)
        {
            return connector;
        }

        return sandbox;
    }
}
