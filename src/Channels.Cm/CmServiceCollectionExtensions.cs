using MessagingGateway.Channels.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace MessagingGateway.Channels.Cm;

/// <summary>Registers <see cref="CmSmsConnector"/> as a typed client with the connectors' policy (<see cref="ProviderHttpClients"/>).</summary>
public static class CmServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "Cm.Retry";

    /// <summary>
    /// Adds <see cref="CmSmsConnector"/> talking to <paramref name="baseAddress"/>
    /// (<c>https://gw.messaging.cm.com/</c>, setting <c>Channels:Cm:ApiBaseUrl</c>). CM does not
    /// dedupe on <c>reference</c>, so only sends that surely did not reach CM are retried.
    /// </summary>
    public static IHttpClientBuilder AddCmConnector(this IServiceCollection services, Uri baseAddress) =>
        services.AddProviderClient<CmSmsConnector>(baseAddress, "CM", RetryOptionsName);
}
