using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MessagingGateway.Channels.Http;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Channels.Telegram;

/// <summary>
/// Sends messages through the Telegram Bot API (<c>POST bot{botToken}/{method}</c> relative to
/// <see cref="HttpClient.BaseAddress"/>, e.g. <c>https://api.telegram.org/</c>) with the bot of the
/// message's sender (its username). <see cref="Message.To"/> is the <c>chat_id</c>. Text goes as
/// <c>sendMessage</c>, media as <c>sendPhoto</c>/<c>sendVideo</c>/<c>sendAudio</c>/<c>sendDocument</c>,
/// buttons and list rows as an inline keyboard (callback data = the id) and a payment link as text
/// with a URL button. Telegram's <c>message_id</c> is unique per chat only, so the provider id is
/// <c>{chat_id}:{message_id}</c>; bots get no receipts, so a send Telegram answers is <c>sent</c> at the
/// answer's <c>date</c>. Failures map by HTTP status and description (channels.md section 3
/// "Errors"): 429 is transient with <c>parameters.retry_after</c>; "chat not found" and a blocked bot
/// are permanent.
/// </summary>
public sealed partial class TelegramConnector(HttpClient http, IChannelAccountStore accounts, ILogger<TelegramConnector> logger) : IChannelConnector
{
    private static readonly SearchValues<char> TokenChars = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:_-");

    public async ValueTask<ChannelSendResult> SendAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var account = await accounts.FindBySenderAsync(message.TenantId, Channel.Telegram, message.From, cancellationToken);
        if (account is null)
        {
            return ChannelSendResult.Permanent("no_account");
        }

        var botToken = account.Setting("botToken");
        if (!IsUsableToken(botToken))
        {
            LogAccountIncomplete(account.AccountId);
            return ChannelSendResult.Permanent("account_incomplete");
        }

        if (string.IsNullOrEmpty(message.To))
        {
            return ChannelSendResult.Permanent("chat_not_found");
        }

        if (TelegramMessageBuilder.Build(message) is not var (method, body))
        {
            LogUnsupportedContent(message.Id, message.Content.Type);
            return ChannelSendResult.Permanent("unsupported_content");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, MethodUri(botToken, method));

        // Bytes, not a stream, so that a retry sends exactly the same body.
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, TelegramJsonContext.Default.TgSendRequest));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var reply = await ProviderExchange.SendAsync(http, request, "Telegram", account.AccountId, message.Id, logger, cancellationToken);
        if (reply.Response is not { } response)
        {
            return ChannelSendResult.Transient(reply.FailureCode!, reply.RetryAfter);
        }

        using (response)
        {
            return await ToResultAsync(message, response, cancellationToken);
        }
    }

    /// <summary><c>bot{token}/{method}</c>, relative; the <c>./</c> keeps the token's colon from reading as a URI scheme.</summary>
    internal static Uri MethodUri(string botToken, string method) => new("./bot" + botToken + "/" + method, UriKind.Relative);

    internal static bool IsUsableToken([NotNullWhen(true)] string? botToken) => !string.IsNullOrEmpty(botToken) && !botToken.AsSpan().ContainsAnyExcept(TokenChars);

    private async Task<ChannelSendResult> ToResultAsync(Message message, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        TgResponse? wire = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            wire = await JsonSerializer.DeserializeAsync(stream, TelegramJsonContext.Default.TgResponse, cancellationToken);
        }
        catch (JsonException)
        {
            // Not the Bot API's JSON (a proxy's page, say): the HTTP status decides.
        }

        if (response.IsSuccessStatusCode && wire is null or { Ok: true })
        {
            var sent = SentMessage(wire);
            if (sent is null)
            {
                // Telegram took the message; an unreadable answer is no reason to send it twice.
                LogAcceptedWithoutId(message.Id, status);
                return ChannelSendResult.Sent(null);
            }

            // Bots get no receipts: the answer is the message in the chat, sent at its date.
            var chat = sent.Chat is { } c ? c.Id.ToString(CultureInfo.InvariantCulture) : message.To;
            DateTimeOffset? date = sent.Date is > 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(sent.Date) : null;
            return ChannelSendResult.Sent(chat + ":" + sent.MessageId.ToString(CultureInfo.InvariantCulture), date);
        }

        var code = wire?.ErrorCode ?? status;
        var description = wire?.Description ?? string.Empty;
        LogRejected(message.Id, status, code, description);

        if (code == 429 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = wire?.Parameters?.RetryAfter is { } seconds && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : ProviderExchange.RetryAfter(response);
            return ChannelSendResult.Transient("rate_limited", retryAfter);
        }

        if (description.Contains("chat not found", StringComparison.OrdinalIgnoreCase))
        {
            return ChannelSendResult.Permanent("chat_not_found");
        }

        if (wire?.Parameters?.MigrateToChatId is not null)
        {
            return ChannelSendResult.Permanent("chat_migrated");
        }

        if (code == 403)
        {
            return ChannelSendResult.Permanent(description.Contains("blocked", StringComparison.OrdinalIgnoreCase) ? "blocked" : "forbidden");
        }

        if (code is 401 or 404)
        {
            // The Bot API answers both for a wrong or revoked token.
            return ChannelSendResult.Permanent("unauthorized");
        }

        var httpCode = "http_" + code.ToString(CultureInfo.InvariantCulture);
        if (status >= 500 || code >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            return ChannelSendResult.Transient(httpCode);
        }

        // Any other 4xx (bad request, 409 conflict, …): sending again would not help.
        return ChannelSendResult.Permanent(code == 400 ? "bad_request" : httpCode);
    }

    private static TgSentMessage? SentMessage(TgResponse? wire)
    {
        if (wire is not { Result.ValueKind: JsonValueKind.Object })
        {
            return null;
        }

        try
        {
            var sent = wire.Result.Deserialize(TelegramJsonContext.Default.TgSentMessage);
            return sent is { MessageId: > 0 } ? sent : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram account {AccountId} lacks a usable botToken")]
    private partial void LogAccountIncomplete(string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: content type {ContentType} cannot be sent on Telegram")]
    private partial void LogUnsupportedContent(Guid messageId, string? contentType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: Telegram answered {Status} without a message id")]
    private partial void LogAcceptedWithoutId(Guid messageId, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: Telegram answered {Status}, error code {Code}: {Description}")]
    private partial void LogRejected(Guid messageId, int status, int code, string description);
}
