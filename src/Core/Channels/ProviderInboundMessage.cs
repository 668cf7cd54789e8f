using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// A customer's message as the provider posted it. <see cref="ProviderMessageId"/> dedupes a
/// webhook posted again; <see cref="CustomerAddress"/> is in our address form for the channel
/// (E.164 with <c>+</c> for phone channels, the provider's user id otherwise); <see cref="At"/> is
/// the provider's timestamp.
/// </summary>
public sealed record ProviderInboundMessage(string ProviderMessageId, string CustomerAddress, MessageContent Content, DateTimeOffset At) : ProviderEvent;
