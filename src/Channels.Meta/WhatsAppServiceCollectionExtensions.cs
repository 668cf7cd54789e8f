using MessagingGateway.Channels.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace MessagingGateway.Channels.Meta;

/// <summary>Registers <see cref="WhatsAppConnector"/> as a typed client with the connectors' policy (<see cref="ProviderHttpClients"/>).</summary>
public static class WhatsAppServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "WhatsApp.Retry";

    /// <summary>
    /// Adds <see cref="WhatsAppConnector"/> talking to <paramref name="baseAddress"/>
    /// (<c>https://graph.facebook.com/v21.0/</c>, setting <c>Channels:WhatsApp:ApiBaseUrl</c>). The
    /// Cloud API has no idempotency key, so only sends that surely did not reach Meta are retried.
    /// </summary>
    public static IHttpClientBuilder AddWhatsAppConnector(this IServiceCollection services, Uri baseAddress) =>
        services.AddProviderClient<WhatsAppConnector>(baseAddress, "WhatsApp", RetryOptionsName);
}
