using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace MessagingGateway.Payments.Mollie;

/// <summary>Registers <see cref="MollieClient"/> as a typed client with timeouts and retries.</summary>
public static class MollieServiceCollectionExtensions
{
    /// <summary>
    /// The name of the <see cref="HttpRetryStrategyOptions"/> the client retries with; a host (or a
    /// test) may adjust them with <c>services.Configure&lt;HttpRetryStrategyOptions&gt;(RetryOptionsName, …)</c>.
    /// </summary>
    public const string RetryOptionsName = "Mollie.Retry";

    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    // A Retry-After beyond this is not waited for inside one call: the 429 goes to the caller, who retries later.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds <see cref="MollieClient"/> talking to <paramref name="baseAddress"/> (<c>https://api.mollie.com/v2/</c>):
    /// at most 30 s per call, 10 s per attempt, and up to 4 retries with exponential backoff and
    /// jitter on 429, 5xx, 408, connection failures and attempt timeouts, waiting as long as
    /// <c>Retry-After</c> asks when it asks for 10 s or less. POSTs are retried too: they carry an idempotency key.
    /// </summary>
    public static IHttpClientBuilder AddMollieClient(this IServiceCollection services, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("Mollie's base address must be absolute, e.g. https://api.mollie.com/v2/.", nameof(baseAddress));
        }

        // "…/v2" would make "payments" resolve to "…/payments".
        var apiBase = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");

        services.AddOptions<HttpRetryStrategyOptions>(RetryOptionsName).Configure(options =>
        {
            options.MaxRetryAttempts = 4;
            options.Delay = TimeSpan.FromSeconds(1);
            options.BackoffType = DelayBackoffType.Exponential;
            options.UseJitter = true;
            options.ShouldRetryAfterHeader = true;
            options.ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome) && !AsksToWaitLong(args.Outcome.Result));
        });

        var builder = services.AddHttpClient<MollieClient>(client =>
        {
            client.BaseAddress = apiBase;
            client.MaxResponseContentBufferSize = 4 * 1024 * 1024;
        });
        builder.AddResilienceHandler("mollie", static (pipeline, context) => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(context.GetOptions<HttpRetryStrategyOptions>(RetryOptionsName))
            .AddTimeout(AttemptTimeout));
        return builder;
    }

    private static bool AsksToWaitLong(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        RetryConditionHeaderValue { Delta: { } delta } => delta > MaxRetryAfter,
        RetryConditionHeaderValue { Date: { } date } => date - DateTimeOffset.UtcNow > MaxRetryAfter,
        _ => false,
    };
}
