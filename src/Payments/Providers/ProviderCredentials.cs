namespace MessagingGateway.Payments.Providers;

/// <summary>A tenant's key at its provider (<c>test_…</c> / <c>live_…</c> for Mollie). Never printed.</summary>
public sealed class ProviderCredentials(string apiKey)
{
    public string ApiKey { get; } = apiKey;

    /// <summary>Whether the key is a test key (Mollie: <c>test_</c>).</summary>
    public bool IsTest => ApiKey.StartsWith("test_", StringComparison.Ordinal);

    /// <summary>Only the last four characters, so a log line or an exception can never leak the key.</summary>
    public override string ToString() => ApiKey.Length > 8 ? "…" + ApiKey[^4..] : "…";
}
