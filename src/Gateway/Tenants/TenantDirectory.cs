using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Model;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Payments;
using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Gateway.Tenants;

/// <summary>
/// The tenants and their API keys, loaded once at start. Keys are stored as SHA-256 hashes and
/// compared in constant time; an unknown key id costs the same hash and compare as a known one.
/// </summary>
public sealed class TenantDirectory
{
    private static readonly byte[] UnknownKeyHash = new byte[32];

    private readonly Dictionary<string, (Tenant Tenant, byte[] Hash)> _keys;
    private readonly Dictionary<string, (Tenant Tenant, byte[] Hash)>.AlternateLookup<ReadOnlySpan<char>> _keysBySpan;

    private TenantDirectory(IReadOnlyList<Tenant> tenants, Dictionary<string, (Tenant Tenant, byte[] Hash)> keys, IReadOnlyDictionary<string, PaymentAccount> paymentAccounts)
    {
        Tenants = tenants;
        PaymentAccounts = paymentAccounts;
        _keys = keys;
        _keysBySpan = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<Tenant> Tenants { get; }

    /// <summary>Tenants that configured a payment account (the others use the sandbox provider).</summary>
    public IReadOnlyDictionary<string, PaymentAccount> PaymentAccounts { get; }

    public bool HasDemoTenant
    {
        get
        {
            foreach (var tenant in Tenants)
            {
                if (tenant.IsDemo)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The tenant owning <paramref name="apiKey"/>, or null for an unknown or malformed key.</summary>
    public Tenant? Authenticate(ReadOnlySpan<char> apiKey)
    {
        if (apiKey.IsEmpty || apiKey.Length > 256)
        {
            return null;
        }

        Span<byte> utf8 = stackalloc byte[1024];
        var length = Encoding.UTF8.GetBytes(apiKey, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..length], hash);

        var found = ApiKeyFormat.TryGetKeyId(apiKey, out var keyId) && _keysBySpan.TryGetValue(keyId, out var entry)
            ? entry
            : (Tenant: null, Hash: UnknownKeyHash);
        var matches = CryptographicOperations.FixedTimeEquals(hash, found.Hash);
        return matches ? found.Tenant : null;
    }

    public static TenantDirectory Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The tenants file {Path.GetFullPath(path)} does not exist (set --tenants-file).");
        }

        TenantsFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), ApiJsonContext.Default.TenantsFile);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The tenants file {path} is not valid JSON: {ex.Message}", ex);
        }

        var tenants = new List<Tenant>();
        var keys = new Dictionary<string, (Tenant, byte[])>(StringComparer.Ordinal);
        var paymentAccounts = new Dictionary<string, PaymentAccount>(StringComparer.Ordinal);
        foreach (var entry in file?.Tenants ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry.Id))
            {
                throw new InvalidOperationException($"A tenant in {path} has no id.");
            }

            var tenant = new Tenant(entry.Id, entry.Name ?? entry.Id, entry.Demo, entry.Sandbox ?? entry.Demo);
            tenants.Add(tenant);
            if (entry.Payments is { } payments)
            {
                paymentAccounts[tenant.Id] = ReadPaymentAccount(tenant.Id, payments, path);
            }
            foreach (var key in entry.ApiKeys ?? [])
            {
                if (string.IsNullOrEmpty(key.Id) || key.Id.Contains('_', StringComparison.Ordinal) || key.Sha256 is not { Length: 64 })
                {
                    throw new InvalidOperationException($"Tenant {tenant.Id} in {path} has an API key without an id (no '_') or a 64-hex sha256.");
                }

                if (!keys.TryAdd(key.Id, (tenant, Convert.FromHexString(key.Sha256))))
                {
                    throw new InvalidOperationException($"API key id {key.Id} appears twice in {path}.");
                }
            }
        }

        return new TenantDirectory(tenants, keys, paymentAccounts);
    }

    private static PaymentAccount ReadPaymentAccount(string tenantId, TenantsFile.PaymentsEntry entry, string path)
    {
        var provider = entry.Provider ?? "sandbox";
        var texts = new ConfirmationTexts
        {
            Locale = entry.Locale ?? "nl",
            PaymentLink = entry.PaymentLinkText,
            Paid = entry.PaidText,
            Failed = entry.FailedText,
            Expired = entry.ExpiredText,
            Refunded = entry.RefundedText,
        };
        if (provider == "sandbox")
        {
            return new PaymentAccount(provider, null, texts);
        }

        if (provider != "mollie")
        {
            throw new InvalidOperationException($"Tenant {tenantId} in {path} has payments.provider \"{provider}\"; use \"sandbox\" or \"mollie\".");
        }

        var key = entry.ApiKeyEnv is { } variable ? Environment.GetEnvironmentVariable(variable) : entry.ApiKey;
        if (key is null || !(key.StartsWith("test_", StringComparison.Ordinal) || key.StartsWith("live_", StringComparison.Ordinal)))
        {
            // The message names where the key should be, never the key.
            throw new InvalidOperationException($"Tenant {tenantId} in {path} needs a Mollie key starting test_ or live_ in payments.apiKey or in the variable named by payments.apiKeyEnv.");
        }

        return new PaymentAccount(provider, new ProviderCredentials(key), texts);
    }
}
