using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Payments;

/// <summary>Every tenant's payment account (the sandbox unless configured) and the providers by name.</summary>
public sealed class PaymentAccounts(IReadOnlyDictionary<string, PaymentAccount> accounts, IEnumerable<IPaymentProvider> providers)
{
    private readonly Dictionary<string, IPaymentProvider> _providers = providers.ToDictionary(provider => provider.Name, StringComparer.Ordinal);

    public PaymentAccount For(string tenantId) => accounts.TryGetValue(tenantId, out var account) ? account : PaymentAccount.Sandbox;

    /// <summary>The provider of that name, or null when this gateway has none configured.</summary>
    public IPaymentProvider? Provider(string name) => _providers.GetValueOrDefault(name);

    public static ProviderCredentials NoCredentials { get; } = new("sandbox");

    public ProviderCredentials CredentialsOf(string tenantId) => For(tenantId).Credentials ?? NoCredentials;
}
