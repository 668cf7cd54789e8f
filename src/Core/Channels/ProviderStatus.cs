using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// A status of a message we sent, by the provider's message id (the one our send got back), at
/// the provider's time. <see cref="Code"/> is the provider's error code of a failure (e.g. <c>131047</c>).
/// </summary>
public sealed record ProviderStatus(string ProviderMessageId, MessageStatus Status, DateTimeOffset At, string? Code = null) : ProviderEvent;
