using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace MessagingGateway.Channels.Telegram;

/// <summary>Registers <see cref="TelegramConnector"/> (timeouts and careful retries) and <see cref="TelegramWebhookRegistration"/> as typed clients.</summary>
public static class TelegramServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "Telegram.Retry";

    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    // A Retry-After beyond this is not waited for inside one call: the connector reports it to the dispatcher.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds <see cref="TelegramConnector"/> and <see cref="TelegramWebhookRegistration"/> talking to
    /// <paramref name="baseAddress"/> (<c>https://api.telegram.org/</c>, setting <c>Channels:Telegram:ApiBaseUrl</c>);
    /// returns the connector's builder.
    /// </summary>
    /// <remarks>
    /// The Bot API has no idempotency key: a POST retried after it reached Telegram sends the message
    /// twice. So the pipeline (30 s per call, 10 s per attempt) retries, at most twice, only when
    /// Telegram surely did not take the message: the connection failed before the request went out
    /// (<see cref="HttpRequestError.ConnectionError"/>, <see cref="HttpRequestError.NameResolutionError"/>,
    /// <see cref="HttpRequestError.SecureConnectionError"/>), or Telegram answered 429/503 with a
    /// <c>Retry-After</c> of 5 s or less. An attempt timeout, a reset mid-request, a 500 or a 429
    /// without <c>Retry-After</c> is not retried here: the connector reports it as transient and the
    /// dispatcher decides (its retry may duplicate, which is the lesser evil than never sending).
    /// </remarks>
    public static IHttpClientBuilder AddTelegramConnector(this IServiceCollection services, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("Telegram's base address must be absolute, e.g. https://api.telegram.org/.", nameof(baseAddress));
        }

        // A base with a path ("…/proxy") would otherwise lose its last segment when "bot…/method" resolves.
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

        var builder = services.AddHttpClient<TelegramConnector>(client =>
        {
            client.BaseAddress = apiBase;
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        builder.AddResilienceHandler("telegram", static (pipeline, context) => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(context.GetOptions<HttpRetryStrategyOptions>(RetryOptionsName))
            .AddTimeout(AttemptTimeout));

        // setWebhook replaces the bot's webhook: repeating it is harmless, so the standard retries do.
        services.AddHttpClient<TelegramWebhookRegistration>(client => client.BaseAddress = apiBase)
            .AddStandardResilienceHandler();
        return builder;
    }

    private static bool SurelyNotSent(Outcome<HttpResponseMessage> outcome)
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
