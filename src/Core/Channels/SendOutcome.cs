namespace MessagingGateway.Core.Channels;

/// <summary>How a channel took a message.</summary>
public enum SendOutcome
{
    /// <summary>The provider accepted it; receipts will follow.</summary>
    Accepted,

    /// <summary>Try again later (timeouts, 5xx, rate limits).</summary>
    TransientFailure,

    /// <summary>It will never go (invalid recipient, blocked, content refused): the message fails.</summary>
    PermanentFailure,
}
