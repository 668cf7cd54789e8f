namespace MessagingGateway.Core.Channels;

/// <summary>
/// A message was handed to its channel (at <see cref="At"/>, when the provider's answer came): the
/// dispatcher's record that stops a second send. <see cref="SentAt"/> is when the provider's answer
/// said the message is sent (null when a receipt will say it), kept so a replay after a crash
/// still records that <c>sent</c>. <see cref="StartedAt"/> is when the accepted attempt began,
/// before the provider could stamp the message: a read watermark in the provider's time covers
/// the message when it is at or after this (null in records written before it was kept).
/// </summary>
public sealed record ChannelHandoff(Guid MessageId, DateTimeOffset At, string? ProviderMessageId, DateTimeOffset? SentAt = null, DateTimeOffset? StartedAt = null);
