using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MessagingGateway.Channels.Http;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Channels.Meta;

/// <summary>
/// Sends messages through Meta's Send API for Messenger and Instagram (channels.md section 2):
/// <c>POST {sender}/messages</c> relative to <see cref="HttpClient.BaseAddress"/> (e.g.
/// <c>https://graph.facebook.com/v21.0/</c>, one base for both channels), where the sender is the
/// account's page or IG account id, with the account's <c>pageAccessToken</c> as a bearer token
/// (kept out of URLs and logs), <c>recipient.id</c> = the PSID / IGSID and
/// <c>messaging_type: RESPONSE</c>. One instance serves both channels: the account is looked up
/// on the message's own channel. Like WhatsApp there is no idempotency key, so
/// <see cref="MessengerServiceCollectionExtensions.AddMessengerConnector"/> never retries a request
/// that may have reached Meta. A send Meta answers is <c>sent</c> (no webhook reports that; the
/// answer carries no time, so it is the hand-over's). Failures map by Meta's <c>error.code</c>.
/// </summary>
public sealed partial class MessengerConnector(HttpClient http, IChannelAccountStore accounts, ILogger<MessengerConnector> logger) : IChannelConnector
{
    // 2 temporary, 1 unknown, 4 app rate, 17/32/613 user/page/call rate, 80006 Messenger rate.
    private static readonly HashSet<long> TransientCodes = [1, 2, 4, 17, 32, 613, 80006];

    // 10 outside the 24-hour window (or a tag not allowed), 551 person unavailable, 100 no matching
    // user / invalid parameter, 190 token, 200/230 permissions, 368 blocked for policy.
    private static readonly HashSet<long> PermanentCodes = [10, 551, 100, 190, 200, 230, 368];

    public async ValueTask<ChannelSendResult> SendAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Channel is not (Channel.Messenger or Channel.Instagram))
        {
            return ChannelSendResult.Permanent("unsupported_channel");
        }

        var account = await accounts.FindBySenderAsync(message.TenantId, message.Channel, message.From, cancellationToken);
        if (account is null)
        {
            return ChannelSendResult.Permanent("no_account");
        }

        var accessToken = account.Setting("pageAccessToken");
        if (string.IsNullOrEmpty(account.Sender) || string.IsNullOrEmpty(accessToken) || accessToken.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            LogAccountIncomplete(account.Channel, account.AccountId);
            return ChannelSendResult.Permanent("account_incomplete");
        }

        if (string.IsNullOrEmpty(message.To))
        {
            return ChannelSendResult.Permanent("invalid_recipient");
        }

        var body = MessengerMessageBuilder.Build(message);
        if (body is null)
        {
            LogUnsupportedContent(message.Id, message.Channel, message.Content.Type);
            return ChannelSendResult.Permanent("unsupported_content");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Uri.EscapeDataString(account.Sender) + "/messages", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        // Bytes, not a stream, so that a retry sends exactly the same body.
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, MessengerJsonContext.Default.MsSendRequest));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var reply = await ProviderExchange.SendAsync(http, request, message.Channel == Channel.Instagram ? "Instagram" : "Messenger", account.AccountId, message.Id, logger, cancellationToken);
        if (reply.Response is not { } response)
        {
            return ChannelSendResult.Transient(reply.FailureCode!, reply.RetryAfter);
        }

        using (response)
        {
            return await ToResultAsync(message, response, cancellationToken);
        }
    }

    private async Task<ChannelSendResult> ToResultAsync(Message message, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            string? mid = null;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                var wire = await JsonSerializer.DeserializeAsync(stream, MessengerJsonContext.Default.MsSendResponse, cancellationToken);
                mid = wire?.MessageId is { Length: > 0 } id ? id : null;
            }
            catch (JsonException)
            {
                // Meta took the message; an unreadable answer is no reason to send it twice.
            }

            if (mid is null)
            {
                LogAcceptedWithoutId(message.Id, message.Channel, status);
            }

            // Meta posts no "sent" for Messenger or Instagram (Instagram not even a delivery):
            // the answer with its message id is the message sent.
            return ChannelSendResult.Sent(mid);
        }

        MsError? error = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            error = (await JsonSerializer.DeserializeAsync(stream, MessengerJsonContext.Default.MsErrorResponse, cancellationToken))?.Error;
        }
        catch (JsonException)
        {
            // Not Meta's error JSON (a proxy's page, say): the HTTP status decides.
        }

        var code = error?.Code;
        var codeText = code?.ToString(CultureInfo.InvariantCulture);
        var retryAfter = ProviderExchange.RetryAfter(response);
        LogRejected(message.Id, message.Channel, status, codeText, error?.ErrorSubcode, error?.Message);

        if (code is { } known && TransientCodes.Contains(known))
        {
            return ChannelSendResult.Transient(codeText!, retryAfter);
        }

        if (code is { } permanent && PermanentCodes.Contains(permanent))
        {
            return ChannelSendResult.Permanent(codeText!);
        }

        var fallback = codeText ?? "http_" + status.ToString(CultureInfo.InvariantCulture);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return ChannelSendResult.Permanent(fallback);
        }

        if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
        {
            return ChannelSendResult.Transient(fallback, retryAfter);
        }

        // Any other 4xx: sending the same again would not help.
        return ChannelSendResult.Permanent(fallback);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Channel} account {AccountId} lacks a sender or a usable pageAccessToken")]
    private partial void LogAccountIncomplete(Channel channel, string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: content type {ContentType} cannot be sent on {Channel}")]
    private partial void LogUnsupportedContent(Guid messageId, Channel channel, string? contentType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: {Channel} answered {Status} without a message id")]
    private partial void LogAcceptedWithoutId(Guid messageId, Channel channel, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: {Channel} answered {Status}, error code {Code} subcode {Subcode}: {ErrorMessage}")]
    private partial void LogRejected(Guid messageId, Channel channel, int status, string? code, long? subcode, string? errorMessage);
}
