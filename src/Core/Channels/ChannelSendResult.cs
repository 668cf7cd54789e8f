namespace MessagingGateway.Core.Channels;

/// <summary>The answer of a channel to one send; <see cref="Code"/> is the reason of a failure.</summary>
public readonly record struct ChannelSendResult(SendOutcome Outcome, string? ProviderMessageId = null, string? Code = null, TimeSpan? RetryAfter = null)
{
    public static ChannelSendResult Accepted(string? providerMessageId = null) => new(SendOutcome.Accepted, providerMessageId);

    public static ChannelSendResult Transient(string code, TimeSpan? retryAfter = null) => new(SendOutcome.TransientFailure, Code: code, RetryAfter: retryAfter);

    public static ChannelSendResult Permanent(string code) => new(SendOutcome.PermanentFailure, Code: code);
}
