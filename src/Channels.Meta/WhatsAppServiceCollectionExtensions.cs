using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace MessagingGateway.Channels.Meta;

/// <summary>Registers <see cref="WhatsAppConnector"/> as a typed client with timeouts and careful retries.</summary>
public static class WhatsAppServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "WhatsApp.Retry";

    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    // A Retry-After beyond this is not waited for inside one call: the connector reports it to the dispatcher.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds <see cref="WhatsAppConnector"/> talking to <paramref name="baseAddress"/>
    /// (<c>https://graph.facebook.com/v21.0/</c>, setting <c>Channels:WhatsApp:ApiBaseUrl</c>).
    /// </summary>
    /// <remarks>
    /// The Cloud API has no idempotency key: a POST retried after it reached Meta sends the message
    /// twice. So the pipeline (30 s per call, 10 s per attempt) retries, at most twice, only when
    /// Meta surely did not take the message: the connection failed before the request went out
    /// (<see cref="HttpRequestError.ConnectionError"/>, <see cref="HttpRequestError.NameResolutionError"/>,
    /// <see cref="HttpRequestError.SecureConnectionError"/>), or Meta answered 429/503 with a
    /// <c>Retry-After</c> of 5 s or less. An attempt timeout, a reset mid-request, a 500 or a 429
    /// without <c>Retry-After</c> is not retried here: the connector reports it as transient and the
    /// dispatcher decides (its retry may duplicate, which is the lesser evil than never sending).
    /// </remarks>
    public static IHttpClientBuilder AddWhatsAppConnector(this IServiceCollection services, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("WhatsApp's base address must be absolute, e.g. https://graph.facebook.com/v21.0/.", nameof(baseAddress));
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
            options.ShouldHandle = args => ValueTask.FromResult(SurelyNotSent(args.Outcome));
        });

        var builder = services.AddHttpClient<WhatsAppConnector>(client =>
        {
            client.BaseAddress = apiBase;
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        builder.AddResilienceHandler("whatsapp", static (pipeline, context) => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(context.GetOptions<HttpRetryStrategyOptions>(RetryOptionsName))
            .AddTimeout(AttemptTimeout));
        return builder;
    }

    internal static bool SurelyNotSent(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError })
        {
            return true;
        }

        return outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } response
            && response.Headers.RetryAfter is { } retryAfter
            && AsksToWaitBriefly(retryAfter);
    }

    private static bool AsksToWaitBriefly(RetryConditionHeaderValue retryAfter) => retryAfter switch
    {
        { Delta: { } delta } => delta <= MaxRetryAfter,
        { Date: { } date } => date - DateTimeOffset.UtcNow <= MaxRetryAfter,
        _ => false,
    };
}
