namespace MessagingGateway.Channels.Http;

/// <summary>
/// What a call to a provider came to: its <see cref="Response"/> (the caller disposes it), or no
/// response and the failure's code (<c>connection_failed</c>, <c>timeout</c>, <c>circuit_open</c>),
/// always transient, with how long to wait when that is known.
/// </summary>
public readonly record struct ProviderReply(HttpResponseMessage? Response, string? FailureCode, TimeSpan? RetryAfter)
{
    internal static ProviderReply Failed(string code, TimeSpan? retryAfter = null) => new(null, code, retryAfter);
}
