using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Channels.Telegram;

/// <summary>
/// Points a bot's webhook at the gateway: <c>POST bot{botToken}/setWebhook</c> with <c>url</c>,
/// the account's <c>secret_token</c> (echoed by Telegram in <c>X-Telegram-Bot-Api-Secret-Token</c>)
/// and <c>allowed_updates</c> <c>["message","callback_query"]</c> (channels.md section 3 "Security
/// and delivery"). The host calls it when a Telegram account is saved and a public URL is
/// configured. setWebhook replaces the previous one, so calling it again is harmless.
/// </summary>
public sealed partial class TelegramWebhookRegistration(HttpClient http, ILogger<TelegramWebhookRegistration> logger)
{
    private static readonly List<string> AllowedUpdates = ["message", "callback_query"];

    /// <summary>
    /// Registers <paramref name="webhookUrl"/> (e.g. <c>https://gw.example/webhooks/telegram/{accountId}</c>)
    /// for the account's bot; true when Telegram answered <c>ok</c>, false (logged) otherwise.
    /// </summary>
    public async Task<bool> SetWebhookAsync(ChannelAccount account, Uri webhookUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(webhookUrl);
        if (account.Channel != Channel.Telegram)
        {
            throw new ArgumentException("Not a Telegram account: " + account, nameof(account));
        }

        var botToken = account.Setting("botToken");
        var secretToken = account.Setting("secretToken");
        if (!TelegramConnector.IsUsableToken(botToken) || string.IsNullOrEmpty(secretToken))
        {
            LogAccountIncomplete(account.AccountId);
            return false;
        }

        var body = new TgSetWebhookRequest { Url = webhookUrl.AbsoluteUri, SecretToken = secretToken, AllowedUpdates = AllowedUpdates };
        using var request = new HttpRequestMessage(HttpMethod.Post, TelegramConnector.MethodUri(botToken, "setWebhook"));
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, TelegramJsonContext.Default.TgSetWebhookRequest));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            TgResponse? wire = null;
            try
            {
                wire = await response.Content.ReadFromJsonAsync(TelegramJsonContext.Default.TgResponse, cancellationToken);
            }
            catch (JsonException)
            {
                // Not the Bot API's JSON: treated as a failure below.
            }

            if (response.IsSuccessStatusCode && wire is { Ok: true })
            {
                LogRegistered(account.AccountId);
                return true;
            }

            LogRefused(account.AccountId, (int)response.StatusCode, wire?.Description);
            return false;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested) || e is Polly.Timeout.TimeoutRejectedException)
        {
            LogUnreachable(account.AccountId, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram account {AccountId} lacks a usable botToken or a secretToken; no webhook set")]
    private partial void LogAccountIncomplete(string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram account {AccountId}: webhook set")]
    private partial void LogRegistered(string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram account {AccountId}: setWebhook answered {Status}: {Description}")]
    private partial void LogRefused(string accountId, int status, string? description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram account {AccountId}: setWebhook failed: {Error}")]
    private partial void LogUnreachable(string accountId, string error);
}
