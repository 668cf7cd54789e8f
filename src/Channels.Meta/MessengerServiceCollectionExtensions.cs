using MessagingGateway.Channels.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace MessagingGateway.Channels.Meta;

/// <summary>Registers <see cref="MessengerConnector"/> (Messenger and Instagram) with the connectors' policy (<see cref="ProviderHttpClients"/>).</summary>
public static class MessengerServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "Messenger.Retry";

    /// <summary>
    /// Adds <see cref="MessengerConnector"/> talking to <paramref name="baseAddress"/>
    /// (<c>https://graph.facebook.com/v21.0/</c>, setting <c>Channels:Messenger:ApiBaseUrl</c>, which
    /// Instagram uses too). The Send API has no idempotency key, so only sends that surely did not
    /// reach Meta are retried.
    /// </summary>
    public static IHttpClientBuilder AddMessengerConnector(this IServiceCollection services, Uri baseAddress) =>
        services.AddProviderClient<MessengerConnector>(baseAddress, "Messenger", RetryOptionsName);
}
