using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace MessagingGateway.Channels.Cm;

/// <summary>Registers <see cref="CmSmsConnector"/> as a typed client with timeouts and careful retries.</summary>
public static class CmServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "Cm.Retry";

    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    // A Retry-After beyond this is not waited for inside one call: the connector reports it to the dispatcher.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds <see cref="CmSmsConnector"/> talking to <paramref name="baseAddress"/>
    /// (<c>https://gw.messaging.cm.com/</c>, setting <c>Channels:Cm:ApiBaseUrl</c>).
    /// </summary>
    /// <remarks>
    /// CM does not dedupe on <c>reference</c>: a POST retried after it reached CM sends the SMS
    /// twice. So the pipeline (30 s per call, 10 s per attempt) retries, at most twice, only when
    /// CM surely did not take the message: the connection failed before the request went out
    /// (<see cref="HttpRequestError.ConnectionError"/>, <see cref="HttpRequestError.NameResolutionError"/>,
    /// <see cref="HttpRequestError.SecureConnectionError"/>), or CM answered 429/503 with a
    /// <c>Retry-After</c> of 5 s or less. An attempt timeout, a reset mid-request, a 500 or a 429
    /// without <c>Retry-After</c> is not retried here: the connector reports it as transient and the
    /// dispatcher decides (its retry may duplicate, which is the lesser evil than never sending).
    /// </remarks>
    public static IHttpClientBuilder AddCmConnector(this IServiceCollection services, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("CM's base address must be absolute, e.g. https://gw.messaging.cm.com/.", nameof(baseAddress));
        }

        // A base with a path ("…/proxy") would otherwise lose its last segment when "v1.0/message" resolves.
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

        var builder = services.AddHttpClient<CmSmsConnector>(client =>
        {
            client.BaseAddress = apiBase;
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        builder.AddResilienceHandler("cm", static (pipeline, context) => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(context.GetOptions<HttpRetryStrategyOptions>(RetryOptionsName))
            .AddTimeout(AttemptTimeout));
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
