namespace MessagingGateway.Core.Channels;

/// <summary>
/// A message was handed to its channel: the dispatcher's record that stops a second send.
/// <see cref="SentAt"/> is when the provider's answer said the message is sent (null when a
/// receipt will say it), kept so a replay after a crash still records that <c>sent</c>.
/// </summary>
public sealed record ChannelHandoff(Guid MessageId, DateTimeOffset At, string? ProviderMessageId, DateTimeOffset? SentAt = null);
