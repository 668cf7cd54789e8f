using System.Security.Cryptography;
using System.Text;

namespace MessagingGateway.Channels.Meta;

/// <summary>
/// What every Meta webhook (WhatsApp, Messenger, Instagram) shares (channels.md sections 1 and 2
/// "Security and delivery"): <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, HMAC-SHA256 of the raw
/// body bytes keyed with the app secret and compared in constant time, and the subscription
/// handshake (<c>hub.mode=subscribe</c>, <c>hub.verify_token</c>, <c>hub.challenge</c>).
/// </summary>
internal static class MetaSignature
{
    public const string Header = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";
    private const int HexLength = 64;

    /// <summary>Whether <paramref name="signature"/> (the header's value, null when absent) signs <paramref name="body"/> with <paramref name="appSecret"/>.</summary>
    public static bool Verify(string? appSecret, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(appSecret) || signature is null
            || signature.Length != Prefix.Length + HexLength
            || !signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> claimed = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Convert.FromHexString(signature.AsSpan(Prefix.Length), claimed, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != claimed.Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body, expected);
        return CryptographicOperations.FixedTimeEquals(claimed, expected);
    }

    /// <summary>The challenge to answer when the query is a subscribe with <paramref name="verifyToken"/>; else null (403).</summary>
    public static string? Handshake(string? verifyToken, Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var token = query("hub.verify_token");
        var challenge = query("hub.challenge");
        if (query("hub.mode") != "subscribe" || string.IsNullOrEmpty(verifyToken) || token is null || challenge is null)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(verifyToken)) ? challenge : null;
    }
}
