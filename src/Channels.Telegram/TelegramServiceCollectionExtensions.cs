using MessagingGateway.Channels.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace MessagingGateway.Channels.Telegram;

/// <summary>Registers <see cref="TelegramConnector"/> (the connectors' policy, <see cref="ProviderHttpClients"/>) and <see cref="TelegramWebhookRegistration"/> as typed clients.</summary>
public static class TelegramServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpRetryStrategyOptions"/> the connector retries with (a host or test may adjust them).</summary>
    public const string RetryOptionsName = "Telegram.Retry";

    /// <summary>
    /// Adds <see cref="TelegramConnector"/> and <see cref="TelegramWebhookRegistration"/> talking to
    /// <paramref name="baseAddress"/> (<c>https://api.telegram.org/</c>, setting <c>Channels:Telegram:ApiBaseUrl</c>);
    /// returns the connector's builder. The Bot API has no idempotency key, so only sends that surely
    /// did not reach Telegram are retried.
    /// </summary>
    /// <remarks>
    /// The bot token is part of every request's path (<c>bot{token}/…</c>), and the HTTP client
    /// factory's own request logging writes whole URLs at Information level: both clients go
    /// without it, so the token never reaches the logs (the connector logs its outcomes itself).
    /// </remarks>
    public static IHttpClientBuilder AddTelegramConnector(this IServiceCollection services, Uri baseAddress)
    {
        var builder = services.AddProviderClient<TelegramConnector>(baseAddress, "Telegram", RetryOptionsName)
            .RemoveAllLoggers();

        // setWebhook replaces the bot's webhook: repeating it is harmless, so the standard retries do.
        services.AddHttpClient<TelegramWebhookRegistration>(client => client.BaseAddress = ProviderHttpClients.ApiBase(baseAddress, "Telegram"))
            .RemoveAllLoggers()
            .AddStandardResilienceHandler();
        return builder;
    }
}
