namespace MessagingGateway.Gateway.Tenants;

/// <summary>
/// API keys look like <c>mgw_&lt;keyId&gt;_&lt;secret&gt;</c>. The key id finds the stored hash
/// without scanning; only the hash of the whole key is kept.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "mgw_";

    public static bool TryGetKeyId(ReadOnlySpan<char> apiKey, out ReadOnlySpan<char> keyId)
    {
        keyId = default;
        if (!apiKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = apiKey[Prefix.Length..];
        var separator = rest.IndexOf('_');
        if (separator <= 0 || separator == rest.Length - 1)
        {
            return false;
        }

        keyId = rest[..separator];
        return true;
    }
}
