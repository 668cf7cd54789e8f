using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Cm;

/// <summary>
/// CM.com webhooks for an SMS account (channels.md section 4a). CM signs nothing, so the webhook
/// URL carries the account's unguessable <c>webhookToken</c> as <c>?token=</c>, compared in
/// constant time. A post is a JSON status report (<c>messages.msg</c>, one or an array) or an
/// inbound (MO) message. Status codes map 0 (accepted) to sent, 2 to delivered, 1 (rejected) and
/// 3 (failed) to failed; names (Accepted, Sent, Delivered, Failed, Rejected, Cancelled) are read
/// too. A status's provider id is its <c>reference</c> (what <see cref="CmSmsConnector"/> returned),
/// its time <c>received</c> (UTC); an MO's id is its <c>reference</c>, its sender E.164 with
/// <c>+</c>. MOs of other CM channels (WhatsApp, …) are skipped. Parsing never throws.
/// </summary>
public sealed class CmWebhook : IProviderWebhook
{
    public const string TokenQueryParameter = "token";

    public Channel Channel => Channel.Sms;

    public bool Verify(ChannelAccount account, Func<string, string?> header, Func<string, string?> query, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(query);
        var expected = account.Setting("webhookToken");
        var claimed = query(TokenQueryParameter);
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(claimed))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(claimed), Encoding.UTF8.GetBytes(expected));
    }

    public string? Handshake(ChannelAccount account, Func<string, string?> query) => null;

    public IReadOnlyList<ProviderEvent> Parse(ChannelAccount account, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(account);
        var events = new List<ProviderEvent>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        JsonDocument document;
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                return events;
            }

            document = parsed;
        }
        catch (JsonException)
        {
            return events;
        }

        using (document)
        {
            var root = document.RootElement;
            if (Object(root, "messages") is { } messages && messages.TryGetProperty("msg", out var msg))
            {
                foreach (var report in OneOrMany(msg))
                {
                    if (ToStatus(report) is { } status)
                    {
                        events.Add(status);
                    }
                }
            }
            else if (ToInbound(root) is { } inbound)
            {
                events.Add(inbound);
            }
        }

        return events;
    }

    private static ProviderStatus? ToStatus(JsonElement report)
    {
        if (Text(report, "reference") is not { Length: > 0 } reference
            || Time(Text(report, "received") ?? Text(report, "sent")) is not { } at)
        {
            return null;
        }

        var status = report.TryGetProperty("status", out var value) ? value : default;
        var code = status.ValueKind == JsonValueKind.Object ? Text(status, "code") : null;
        var name = status.ValueKind == JsonValueKind.String ? status.GetString() : status.ValueKind == JsonValueKind.Object ? Text(status, "name") : null;
        MessageStatus? parsed = (code, name?.ToUpperInvariant()) switch
        {
            ("0", _) or (null, "ACCEPTED" or "SENT") => MessageStatus.Sent,
            ("2", _) or (null, "DELIVERED") => MessageStatus.Delivered,
            ("1" or "3", _) or (null, "FAILED" or "REJECTED" or "CANCELLED") => MessageStatus.Failed,
            _ => null,
        };
        if (parsed is not { } known)
        {
            return null;
        }

        string? errorCode = null;
        if (known == MessageStatus.Failed && status.ValueKind == JsonValueKind.Object && Text(status, "errorCode") is { Length: > 0 } error)
        {
            errorCode = error;
        }

        return new ProviderStatus(reference, known, at, errorCode);
    }

    private static ProviderInboundMessage? ToInbound(JsonElement mo)
    {
        if (Text(mo, "reference") is not { Length: > 0 } reference
            || Object(mo, "from") is not { } from || CmNumbers.ToE164(Text(from, "number")) is not { } customer
            || Time(Text(mo, "timeUtc")) is not { } at
            || Object(mo, "message") is not { } message)
        {
            return null;
        }

        if (Text(mo, "channel") is { Length: > 0 } channel && !channel.Equals("SMS", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var text = Text(message, "text");
        MessageContent content;
        if (Object(message, "media") is { } media && Text(media, "mediaUri") is { Length: > 0 } uri)
        {
            content = new MessageContent
            {
                Type = "media",
                Url = uri,
                MimeType = Text(media, "contentType") is { Length: > 0 } type ? type : null,
                Caption = string.IsNullOrEmpty(text) ? null : text,
            };
        }
        else if (text is not null)
        {
            content = new MessageContent { Type = "text", Text = text };
        }
        else
        {
            return null;
        }

        return new ProviderInboundMessage(reference, customer, content, at);
    }

    /// <summary>CM's times (<c>2024-05-01T10:00:02</c>, no zone) are UTC.</summary>
    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    private static JsonElement[] OneOrMany(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => [element],
        JsonValueKind.Array => element.EnumerateArray().ToArray(),
        _ => [],
    };

    private static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>A string, or a number as written (CM sends codes either way).</summary>
    private static string? Text(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
