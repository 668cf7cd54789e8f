using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MessagingGateway.Channels.Http;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Channels.Cm;

/// <summary>
/// Sends SMS through CM.com's Business Messaging API (<c>POST v1.0/message</c> relative to
/// <see cref="HttpClient.BaseAddress"/>, e.g. <c>https://gw.messaging.cm.com/</c>) with the SMS
/// account (<c>provider</c> <c>cm</c>) of the message's sender: its <c>productToken</c> (body and
/// <c>X-CM-PRODUCTTOKEN</c>), <c>from</c> = the sender, <c>to</c> = the number as <c>00…</c>,
/// <c>allowedChannels</c> <c>["SMS"]</c>. CM gives no message id: our message id (32 hex digits)
/// is the <c>reference</c>, echoed in status reports, so it is the provider id. Text, payment links
/// and media (as a link) go as text; buttons, lists and templates cannot. Failures map by CM's
/// <c>errorCode</c>/<c>messageErrorCode</c> (channels.md section 4a "Error codes").
/// </summary>
public sealed partial class CmSmsConnector(HttpClient http, IChannelAccountStore accounts, ILogger<CmSmsConnector> logger) : IChannelConnector
{
    public const string ProductTokenHeader = "X-CM-PRODUCTTOKEN";

    // Balance, internal and unknown errors: the same message may go later.
    private static readonly HashSet<int> TransientCodes = [102, 500, 999];

    // Will not go as it is: authentication, request, sender, recipient and content errors, spam, blacklists.
    private static readonly HashSet<int> PermanentCodes = [101, 103, 202, 203, 301, 302, 303, 304, 305, 401, 402, 403];

    public async ValueTask<ChannelSendResult> SendAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var account = await accounts.FindBySenderAsync(message.TenantId, Channel.Sms, message.From, cancellationToken);
        if (account is null || (account.Setting("provider") is { } provider && !provider.Equals("cm", StringComparison.OrdinalIgnoreCase)))
        {
            return ChannelSendResult.Permanent("no_account");
        }

        var productToken = account.Setting("productToken");
        if (string.IsNullOrEmpty(productToken) || productToken.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            LogAccountIncomplete(account.AccountId);
            return ChannelSendResult.Permanent("account_incomplete");
        }

        var text = Text(message.Content);
        if (text is null)
        {
            LogUnsupportedContent(message.Id, message.Content.Type);
            return ChannelSendResult.Permanent("unsupported_content");
        }

        var reference = message.Id.ToString("N");
        var body = new CmSendRequest
        {
            Messages = new CmMessages
            {
                Authentication = new CmAuthentication { ProductToken = productToken },
                Msg =
                [
                    new CmMsg
                    {
                        From = CmNumbers.SenderToCm(account.Sender),
                        To = [new CmRecipient { Number = CmNumbers.ToCm(message.To) }],
                        Body = new CmBody { Content = text },
                        Reference = reference,
                        AllowedChannels = ["SMS"],
                    },
                ],
            },
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1.0/message", UriKind.Relative));
        request.Headers.Add(ProductTokenHeader, productToken);

        // Bytes, not a stream, so that a retry sends exactly the same body.
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, CmJsonContext.Default.CmSendRequest));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var reply = await ProviderExchange.SendAsync(http, request, "CM", account.AccountId, message.Id, logger, cancellationToken);
        if (reply.Response is not { } response)
        {
            return ChannelSendResult.Transient(reply.FailureCode!, reply.RetryAfter);
        }

        using (response)
        {
            return await ToResultAsync(message.Id, reference, response, cancellationToken);
        }
    }

    /// <summary>The SMS text of our content, or null when SMS cannot carry it.</summary>
    private static string? Text(MessageContent content) => content.Type switch
    {
        "text" when !string.IsNullOrEmpty(content.Text) => content.Text,
        "payment" when !string.IsNullOrEmpty(content.Url) => string.IsNullOrEmpty(content.Text) ? content.Url : content.Text + "\n" + content.Url,
        "media" when !string.IsNullOrEmpty(content.Url) => string.IsNullOrEmpty(content.Caption) ? content.Url : content.Caption + "\n" + content.Url,
        _ => null,
    };

    private async Task<ChannelSendResult> ToResultAsync(Guid messageId, string reference, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        CmSendResponse? wire = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            wire = await JsonSerializer.DeserializeAsync(stream, CmJsonContext.Default.CmSendResponse, cancellationToken);
        }
        catch (JsonException)
        {
            // Not CM's JSON (a proxy's page, say): the HTTP status decides.
        }

        var item = wire?.Messages?.FirstOrDefault(m => m.Reference == reference) ?? wire?.Messages?.FirstOrDefault();
        var rejected = item is { Status: { } itemStatus } && !itemStatus.Equals("Accepted", StringComparison.OrdinalIgnoreCase);
        if (response.IsSuccessStatusCode && wire?.ErrorCode is null or 0 && !rejected)
        {
            return ChannelSendResult.Accepted(reference);
        }

        if (response.IsSuccessStatusCode && wire is null)
        {
            // CM took the message; an unreadable answer is no reason to send it twice.
            LogAcceptedWithoutAnswer(messageId, status);
            return ChannelSendResult.Accepted(reference);
        }

        // A rejected message's own code says more than the request's 201 "not all sent".
        var code = item is { MessageErrorCode: > 0 } ? item.MessageErrorCode : wire?.ErrorCode;
        var codeText = code?.ToString(CultureInfo.InvariantCulture);
        LogRejected(messageId, status, codeText, item?.MessageDetails ?? wire?.Details);

        if (code is { } transient && TransientCodes.Contains(transient))
        {
            return ChannelSendResult.Transient(codeText!, ProviderExchange.RetryAfter(response));
        }

        if (code is { } permanent && PermanentCodes.Contains(permanent))
        {
            return ChannelSendResult.Permanent(codeText!);
        }

        var fallback = codeText ?? "http_" + status.ToString(CultureInfo.InvariantCulture);
        if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
        {
            return ChannelSendResult.Transient(fallback, ProviderExchange.RetryAfter(response));
        }

        // Any other refusal: sending again would not help.
        return ChannelSendResult.Permanent(fallback);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CM account {AccountId} lacks a usable productToken")]
    private partial void LogAccountIncomplete(string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: content type {ContentType} cannot be sent as SMS")]
    private partial void LogUnsupportedContent(Guid messageId, string? contentType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: CM answered {Status} without a readable body")]
    private partial void LogAcceptedWithoutAnswer(Guid messageId, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: CM answered {Status}, error code {Code}: {Details}")]
    private partial void LogRejected(Guid messageId, int status, string? code, string? details);
}
