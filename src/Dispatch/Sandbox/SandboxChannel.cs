using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.Options;

namespace MessagingGateway.Dispatch.Sandbox;

/// <summary>
/// The channel of the default run: a simulated provider whose handsets live inside the gateway.
/// Like a provider that honours an idempotency key, it takes each message id once; a handset
/// that received a message starts its receipts (sent, delivered, read).
/// </summary>
public sealed class SandboxChannel(IHandsetInbox inbox, SandboxReceiptClock receipts, TimeProvider time, IOptions<SandboxOptions> options) : IChannelConnector
{
    public const int ReceiptsPerMessage = 3;

    public async ValueTask<ChannelSendResult> SendAsync(Message message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.UnreachableAddresses.Contains(message.To))
        {
            return ChannelSendResult.Transient("sandbox_unreachable");
        }

        if (settings.RejectingAddresses.Contains(message.To))
        {
            return ChannelSendResult.Permanent("sandbox_rejected");
        }

        var roll = Random.Shared.NextDouble();
        if (roll < settings.PermanentFailureRate)
        {
            return ChannelSendResult.Permanent("sandbox_rejected");
        }

        if (roll < settings.PermanentFailureRate + settings.TransientFailureRate)
        {
            return ChannelSendResult.Transient("sandbox_busy");
        }

        var received = new HandsetMessage(
            message.To, message.Id, message.TenantId, message.ConversationId, message.Channel,
            message.From, message.Content, time.GetUtcNow(), ReceiptsPerMessage);
        if (await inbox.ReceiveAsync(received, cancellationToken))
        {
            receipts.Schedule(received);
        }

        return ChannelSendResult.Accepted("sbx_" + message.Id.ToString("N"));
    }
}
