using MessagingGateway.Core.Model;

namespace MessagingGateway.Core.Channels;

/// <summary>
/// A status of a message we sent, by the provider's message id (the one our send got back), at
/// the provider's time. <see cref="Code"/> is the provider's error code of a failure (e.g. <c>131047</c>).
/// </summary>
public sealed record ProviderStatus(string ProviderMessageId, MessageStatus Status, DateTimeOffset At, string? Code = null) : ProviderEvent
{
    /// <summary>
    /// The id an early status is kept under until its message's hand-over is recorded (a provider
    /// may report before our send has stored the provider's id); the dispatcher then adopts it.
    /// </summary>
    public static Guid OrphanId(string providerMessageId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("orphan\u001f" + providerMessageId), hash);
        return new Guid(hash[..16]);
    }
}
