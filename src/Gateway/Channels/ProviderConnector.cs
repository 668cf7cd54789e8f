using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Gateway.Channels;

/// <summary>A provider's connector and webhook reader for one channel, as registered with the host.</summary>
public sealed record ProviderConnector(Channel Channel, IChannelConnector Connector, IProviderWebhook Webhook);
