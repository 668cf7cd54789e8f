using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// Hands outbound messages to one channel's provider. The message id is the idempotency key:
/// a connector passes it to providers that support one, so a replayed send is not a second message.
/// </summary>
public interface IChannelConnector
{
    ValueTask<ChannelSendResult> SendAsync(Message message, CancellationToken cancellationToken);
}
