using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace MessagingGateway.Channels.Http;

/// <summary>
/// The one HTTP policy of channel connectors. Providers' send APIs take no idempotency key, so a
/// POST retried after it reached the provider sends the message twice. The pipeline (30 s per
/// call, 10 s per attempt) therefore retries, at most twice, only when the provider surely did not
/// take the message: the connection failed before the request went out
/// (<see cref="HttpRequestError.ConnectionError"/>, <see cref="HttpRequestError.NameResolutionError"/>,
/// <see cref="HttpRequestError.SecureConnectionError"/>), or it answered 429/503 with a
/// <c>Retry-After</c> of 5 s or less. An attempt timeout, a reset mid-request, a 500 or a 429
/// without <c>Retry-After</c> is not retried here: the connector reports it as transient and the
/// dispatcher decides (its retry may duplicate, the lesser evil than never sending).
/// Each channel account has its own circuit breaker (the pipeline is selected by the account
/// <see cref="ProviderExchange"/> tags the request with): when at least half of an account's
/// calls in 30 s (and 8 or more) failed transiently, its sends stop for 15 s and come back as
/// <c>circuit_open</c> with that wait, while other accounts of the same provider go on.
/// </summary>
public static class ProviderHttpClients
{
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    // A Retry-After beyond this is not waited for inside one call: the connector reports it to the dispatcher.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The name of the <see cref="HttpCircuitBreakerStrategyOptions"/> every account's breaker is made with (a host or test may adjust them).</summary>
    public const string CircuitBreakerOptionsName = "Channels.CircuitBreaker";

    /// <summary>The channel account a provider request is made for; its circuit breaker is the account's.</summary>
    public static readonly HttpRequestOptionsKey<string> AccountOption = new("MessagingGateway.ChannelAccount");

    /// <summary>
    /// Registers <typeparamref name="TConnector"/> as a typed client of <paramref name="baseAddress"/>
    /// with the policy above; its retry options are named <paramref name="retryOptionsName"/> so a
    /// host or a test may adjust them.
    /// </summary>
    /// <param name="provider">The provider's name, for the handler and for errors ("WhatsApp").</param>
    public static IHttpClientBuilder AddProviderClient<TConnector>(this IServiceCollection services, Uri baseAddress, string provider, string retryOptionsName)
        where TConnector : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var apiBase = ApiBase(baseAddress, provider);
        services.AddOptions<HttpRetryStrategyOptions>(retryOptionsName).Configure(options =>
        {
            options.MaxRetryAttempts = 2;
            options.Delay = TimeSpan.FromMilliseconds(500);
            options.BackoffType = DelayBackoffType.Exponential;
            options.UseJitter = true;
            options.ShouldRetryAfterHeader = true;
            options.ShouldHandle = args => ValueTask.FromResult(SurelyNotSent(args.Outcome));
        });

        services.AddOptions<HttpCircuitBreakerStrategyOptions>(CircuitBreakerOptionsName).Configure(options =>
        {
            options.FailureRatio = 0.5;
            options.MinimumThroughput = 8;
            options.SamplingDuration = TimeSpan.FromSeconds(30);
            options.BreakDuration = TimeSpan.FromSeconds(15);
        });

        var builder = services.AddHttpClient<TConnector>(client =>
        {
            client.BaseAddress = apiBase;
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        builder.AddResilienceHandler(provider.ToLowerInvariant(), (pipeline, context) => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(context.GetOptions<HttpRetryStrategyOptions>(retryOptionsName))
            .AddCircuitBreaker(context.GetOptions<HttpCircuitBreakerStrategyOptions>(CircuitBreakerOptionsName))
            .AddTimeout(AttemptTimeout))
            .SelectPipelineBy(_ => request => request.Options.TryGetValue(AccountOption, out var account) ? account : "");
        return builder;
    }

    /// <summary>
    /// The base address with a trailing slash: a base with a path (<c>…/v21.0</c>, <c>…/proxy</c>)
    /// would otherwise lose its last segment when a relative path resolves against it.
    /// </summary>
    public static Uri ApiBase(Uri baseAddress, string provider)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException($"{provider}'s base address must be absolute, e.g. https://…/.", nameof(baseAddress));
        }

        return baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
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
