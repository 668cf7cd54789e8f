using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// How one provider's webhooks are checked and read. The gateway verifies before it parses, on
/// the raw bytes, and answers 401 (nothing stored) when <see cref="Verify"/> says no.
/// </summary>
public interface IProviderWebhook
{
    Channel Channel { get; }

    /// <summary>
    /// Whether the post really comes from the provider for this account: Meta's
    /// <c>X-Hub-Signature-256</c> with the app secret, Telegram's secret-token header, CM's
    /// per-account token in the query string. <paramref name="header"/> reads a request header
    /// (null when absent), <paramref name="query"/> a query parameter.
    /// </summary>
    bool Verify(ChannelAccount account, Func<string, string?> header, Func<string, string?> query, ReadOnlySpan<byte> body);

    /// <summary>Meta's subscription handshake: the challenge to answer, or null for 403 (and for providers without one).</summary>
    string? Handshake(ChannelAccount account, Func<string, string?> query);

    /// <summary>Every message and status in the post (one post may carry many); unknown parts are skipped.</summary>
    IReadOnlyList<ProviderEvent> Parse(ChannelAccount account, ReadOnlySpan<byte> body);
}
