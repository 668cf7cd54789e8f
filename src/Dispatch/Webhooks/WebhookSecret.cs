using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace MessagingGateway.Dispatch.Webhooks;

/// <summary>
/// A tenant's signing secret in the Standard Webhooks form <c>whsec_&lt;base64&gt;</c>; the
/// decoded bytes are the HMAC-SHA256 key.
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";

    // The Standard Webhooks bounds for symmetric keys: at least 192 bits, at most 512.
    public const int MinKeyBytes = 24;
    public const int MaxKeyBytes = 64;

    private const int GeneratedKeyBytes = 32;

    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    /// <summary>The HMAC key; internal so it only leaves the assembly in its serialized form.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>Parses <c>whsec_&lt;base64&gt;</c>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out WebhookSecret? secret,
        [NotNullWhen(false)] out string? error)
    {
        secret = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "The webhook secret is missing.";
            return false;
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"The webhook secret must start with '{Prefix}'.";
            return false;
        }

        var encoded = text.AsSpan(Prefix.Length);
        if (encoded.IsEmpty || !Base64.IsValid(encoded, out var length))
        {
            error = $"The webhook secret must be '{Prefix}' followed by base64.";
            return false;
        }

        if (length < MinKeyBytes)
        {
            error = $"The webhook secret's key is {length} bytes; at least {MinKeyBytes} are required.";
            return false;
        }

        if (length > MaxKeyBytes)
        {
            error = $"The webhook secret's key is {length} bytes; at most {MaxKeyBytes} are allowed.";
            return false;
        }

        var key = new byte[length];
        if (!Convert.TryFromBase64Chars(encoded, key, out var written) || written != length)
        {
            error = $"The webhook secret must be '{Prefix}' followed by base64.";
            return false;
        }

        secret = new WebhookSecret(key);
        error = null;
        return true;
    }

    /// <summary>A new secret with a random 32-byte key.</summary>
    public static WebhookSecret Generate() => new(RandomNumberGenerator.GetBytes(GeneratedKeyBytes));

    /// <summary>The serialized secret, <c>whsec_&lt;base64&gt;</c>: this is the secret itself, keep it out of logs.</summary>
    public override string ToString() => Prefix + Convert.ToBase64String(_key);
}
