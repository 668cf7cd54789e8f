using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace MessagingGateway.Channels.Meta;

/// <summary>Registers <see cref="MessengerConnector"/> (Messenger and Instagram) as a typed client with timeouts and careful retries.</summary>
public static class MessengerServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "Messenger.Retry";

    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds <see cref="MessengerConnector"/> talking to <paramref name="baseAddress"/>
    /// (<c>https://graph.facebook.com/v21.0/</c>, setting <c>Channels:Messenger:ApiBaseUrl</c>, which
    /// Instagram uses too). One instance serves both channels.
    /// </summary>
    /// <remarks>
    /// Same policy as <see cref="WhatsAppServiceCollectionExtensions.AddWhatsAppConnector"/>: the Send
    /// API has no idempotency key, so only requests that surely did not reach Meta are retried here
    /// (connection not made, or 429/503 with a <c>Retry-After</c> of 5 s or less).
    /// </remarks>
    public static IHttpClientBuilder AddMessengerConnector(this IServiceCollection services, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("Messenger's base address must be absolute, e.g. https://graph.facebook.com/v21.0/.", nameof(baseAddress));
        }

        // "…/v21.0" would make "{id}/messages" resolve to "…/{id}/messages" without the version.
        var apiBase = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");

        services.AddOptions<HttpRetryStrategyOptions>(RetryOptionsName).Configure(options =>
        {
            options.MaxRetryAttempts = 2;
            options.Delay = TimeSpan.FromMilliseconds(500);
            options.BackoffType = DelayBackoffType.Exponential;
            options.UseJitter = true;
            options.ShouldRetryAfterHeader = true;
            options.ShouldHandle = args => ValueTask.FromResult(WhatsAppServiceCollectionExtensions.SurelyNotSent(args.Outcome));
        });

        var builder = services.AddHttpClient<MessengerConnector>(client =>
        {
            client.BaseAddress = apiBase;
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        builder.AddResilienceHandler("messenger", static (pipeline, context) => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(context.GetOptions<HttpRetryStrategyOptions>(RetryOptionsName))
            .AddTimeout(AttemptTimeout));
        return builder;
    }
}
