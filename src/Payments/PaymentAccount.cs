using MessagingGateway.Payments.Providers;

namespace MessagingGateway.Payments;

/// <summary>How one tenant takes payments: its provider, its key there, and its confirmation texts.</summary>
/// <param name="Credentials">Null for the sandbox, which needs no account.</param>
public sealed record PaymentAccount(string Provider, ProviderCredentials? Credentials, ConfirmationTexts Texts)
{
    public static PaymentAccount Sandbox { get; } = new("sandbox", null, new ConfirmationTexts());
}
