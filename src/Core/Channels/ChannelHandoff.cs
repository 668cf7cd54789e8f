namespace MessagingGateway.Core.Channels;

/// <summary>A message was handed to its channel: the dispatcher's record that stops a second send.</summary>
public sealed record ChannelHandoff(Guid MessageId, DateTimeOffset At, string? ProviderMessageId);
