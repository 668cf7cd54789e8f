namespace MessagingGateway.Core.Channels;

/// <summary>
/// The answer of a channel to one send; <see cref="Code"/> is the reason of a failure.
/// <see cref="ConfirmsSent"/>: the provider's answer itself says the message is sent and no
/// <c>sent</c> receipt will follow (Telegram, Meta's Send API for Messenger and Instagram), so the
/// message becomes <c>sent</c> at <see cref="SentAt"/>, the provider's time, or at the hand-over
/// when the answer carries none.
/// </summary>
public readonly record struct ChannelSendResult(
    SendOutcome Outcome,
    string? ProviderMessageId = null,
    string? Code = null,
    TimeSpan? RetryAfter = null,
    bool ConfirmsSent = false,
    DateTimeOffset? SentAt = null)
{
    /// <summary>Taken; the provider reports <c>sent</c> (or later) itself.</summary>
    public static ChannelSendResult Accepted(string? providerMessageId = null) => new(SendOutcome.Accepted, providerMessageId);

    /// <summary>Taken and sent, as the answer says (at <paramref name="at"/>, the provider's time, when it gives one).</summary>
    public static ChannelSendResult Sent(string? providerMessageId, DateTimeOffset? at = null) => new(SendOutcome.Accepted, providerMessageId, ConfirmsSent: true, SentAt: at);

    public static ChannelSendResult Transient(string code, TimeSpan? retryAfter = null) => new(SendOutcome.TransientFailure, Code: code, RetryAfter: retryAfter);

    public static ChannelSendResult Permanent(string code) => new(SendOutcome.PermanentFailure, Code: code);
}
