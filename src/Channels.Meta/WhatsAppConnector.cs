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
/// Sends messages through the WhatsApp Business Cloud API (<c>POST {phoneNumberId}/messages</c>
/// relative to <see cref="HttpClient.BaseAddress"/>, e.g. <c>https://graph.facebook.com/v21.0/</c>)
/// with the account of the message's sender. The API has no idempotency key: our message id goes
/// in <c>biz_opaque_callback_data</c> (echoed in statuses) but does not stop a second send, so
/// <see cref="WhatsAppServiceCollectionExtensions.AddWhatsAppConnector"/> never retries a request
/// that may have reached Meta. Failures map by Meta's <c>error.code</c> (channels.md "Errors").
/// </summary>
public sealed partial class WhatsAppConnector(HttpClient http, IChannelAccountStore accounts, ILogger<WhatsAppConnector> logger) : IChannelConnector
{
    // Throttling and Meta-side outages: the same message may go later.
    private static readonly HashSet<long> TransientCodes = [130429, 131056, 131048, 4, 80007, 131016, 131000];

    // Will not go as it is: window closed, recipient, request, template, account and token errors.
    private static readonly HashSet<long> PermanentCodes =
    [
        131047, 131026, 131030, 131050, 131049, 131051, 131008, 131009,
        132000, 132001, 132015, 132016, 131031, 368, 190,
    ];

    public async ValueTask<ChannelSendResult> SendAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var account = await accounts.FindBySenderAsync(message.TenantId, Channel.WhatsApp, message.From, cancellationToken);
        if (account is null)
        {
            return ChannelSendResult.Permanent("no_account");
        }

        var phoneNumberId = account.Setting("phoneNumberId");
        var accessToken = account.Setting("accessToken");
        if (string.IsNullOrEmpty(phoneNumberId) || string.IsNullOrEmpty(accessToken) || accessToken.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            LogAccountIncomplete(account.AccountId);
            return ChannelSendResult.Permanent("account_incomplete");
        }

        var body = WhatsAppMessageBuilder.Build(message);
        if (body is null)
        {
            LogUnsupportedContent(message.Id, message.Content.Type);
            return ChannelSendResult.Permanent("unsupported_content");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Uri.EscapeDataString(phoneNumberId) + "/messages", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        // Bytes, not a stream, so that a retry sends exactly the same body.
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, WhatsAppJsonContext.Default.WaSendRequest));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var reply = await ProviderExchange.SendAsync(http, request, "WhatsApp", account.AccountId, message.Id, logger, cancellationToken);
        if (reply.Response is not { } response)
        {
            return ChannelSendResult.Transient(reply.FailureCode!, reply.RetryAfter);
        }

        using (response)
        {
            return await ToResultAsync(message.Id, response, cancellationToken);
        }
    }

    private async Task<ChannelSendResult> ToResultAsync(Guid messageId, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            string? wamid = null;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                var wire = await JsonSerializer.DeserializeAsync(stream, WhatsAppJsonContext.Default.WaSendResponse, cancellationToken);
                wamid = wire?.Messages is [{ Id: { Length: > 0 } id }, ..] ? id : null;
            }
            catch (JsonException)
            {
                // Meta took the message; an unreadable answer is no reason to send it twice.
            }

            if (wamid is null)
            {
                LogAcceptedWithoutId(messageId, status);
            }

            return ChannelSendResult.Accepted(wamid);
        }

        WaError? error = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            error = (await JsonSerializer.DeserializeAsync(stream, WhatsAppJsonContext.Default.WaErrorResponse, cancellationToken))?.Error;
        }
        catch (JsonException)
        {
            // Not Meta's error JSON (a proxy's page, say): the HTTP status decides.
        }

        var code = error?.Code;
        var codeText = code?.ToString(CultureInfo.InvariantCulture);
        var retryAfter = ProviderExchange.RetryAfter(response);
        LogRejected(messageId, status, codeText, error?.Message);

        if (code is { } known && TransientCodes.Contains(known))
        {
            return ChannelSendResult.Transient(codeText!, retryAfter);
        }

        if (code is { } permanent && PermanentCodes.Contains(permanent))
        {
            return ChannelSendResult.Permanent(codeText!);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return ChannelSendResult.Permanent(codeText ?? "http_" + status.ToString(CultureInfo.InvariantCulture));
        }

        if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
        {
            return ChannelSendResult.Transient(codeText ?? "http_" + status.ToString(CultureInfo.InvariantCulture), retryAfter);
        }

        // Any other 4xx (other codes, e.g. 100 invalid parameter, 131052 media download): sending again would not help.
        return ChannelSendResult.Permanent(codeText ?? "http_" + status.ToString(CultureInfo.InvariantCulture));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp account {AccountId} lacks phoneNumberId or a usable accessToken")]
    private partial void LogAccountIncomplete(string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: content type {ContentType} cannot be sent on WhatsApp")]
    private partial void LogUnsupportedContent(Guid messageId, string? contentType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: WhatsApp answered {Status} without a message id")]
    private partial void LogAcceptedWithoutId(Guid messageId, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: WhatsApp answered {Status}, error code {Code}: {ErrorMessage}")]
    private partial void LogRejected(Guid messageId, int status, string? code, string? errorMessage);
}
