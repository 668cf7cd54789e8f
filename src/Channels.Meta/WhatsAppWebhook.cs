using System.Globalization;
using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Meta;

/// <summary>
/// WhatsApp Cloud API webhooks (channels.md section 1): <c>X-Hub-Signature-256</c> over the raw
/// bytes with the account's <c>appSecret</c>, Meta's subscription handshake with its
/// <c>verifyToken</c>, and every message and status of a (possibly batched) post. Parsing never
/// throws: junk and unknown parts are skipped; changes for another phone number of the same app
/// (<c>metadata.phone_number_id</c> not the account's <c>phoneNumberId</c>) are skipped too.
/// </summary>
public sealed class WhatsAppWebhook : IProviderWebhook
{
    public const string SignatureHeader = MetaSignature.Header;

    private static readonly JsonElement EmptyArray = JsonElement.Parse("[]");

    public Channel Channel => Channel.WhatsApp;

    public bool Verify(ChannelAccount account, Func<string, string?> header, Func<string, string?> query, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(header);
        return MetaSignature.Verify(account.Setting("appSecret"), header(SignatureHeader), body);
    }

    public string? Handshake(ChannelAccount account, Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(query);
        return MetaSignature.Handshake(account.Setting("verifyToken"), query);
    }

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
            var phoneNumberId = account.Setting("phoneNumberId");
            foreach (var entry in Items(document.RootElement, "entry"))
            {
                foreach (var change in Items(entry, "changes"))
                {
                    if (String(change, "field") is { } field && field != "messages")
                    {
                        continue;
                    }

                    if (!change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (!string.IsNullOrEmpty(phoneNumberId)
                        && value.TryGetProperty("metadata", out var metadata)
                        && String(metadata, "phone_number_id") is { } target
                        && target != phoneNumberId)
                    {
                        continue;
                    }

                    foreach (var message in Items(value, "messages"))
                    {
                        if (ToInbound(message) is { } inbound)
                        {
                            events.Add(inbound);
                        }
                    }

                    foreach (var status in Items(value, "statuses"))
                    {
                        if (ToStatus(status) is { } providerStatus)
                        {
                            events.Add(providerStatus);
                        }
                    }
                }
            }
        }

        return events;
    }

    private static ProviderInboundMessage? ToInbound(JsonElement message)
    {
        if (String(message, "id") is not { Length: > 0 } id
            || String(message, "from") is not { Length: > 0 } from
            || Timestamp(message) is not { } at)
        {
            return null;
        }

        var content = String(message, "type") switch
        {
            "text" => Object(message, "text") is { } text && String(text, "body") is { } body
                ? new MessageContent { Type = "text", Text = body }
                : null,
            "interactive" => Reply(message),
            "button" => Object(message, "button") is { } button && String(button, "text") is { } title
                ? new MessageContent { Type = "text", Text = title, Parameters = String(button, "payload") is { } payload ? [payload] : null }
                : null,
            "image" or "video" or "audio" or "document" or "sticker" => Media(message, String(message, "type")!),
            "location" => Location(message),
            _ => null,
        };

        return content is null ? null : new ProviderInboundMessage(id, from.StartsWith('+') ? from : "+" + from, content, at);
    }

    private static MessageContent? Reply(JsonElement message)
    {
        if (Object(message, "interactive") is not { } interactive)
        {
            return null;
        }

        var kind = String(interactive, "type");
        if (kind is not ("button_reply" or "list_reply") || Object(interactive, kind) is not { } reply
            || String(reply, "title") is not { } title)
        {
            return null;
        }

        return new MessageContent { Type = "text", Text = title, Parameters = String(reply, "id") is { } id ? [id] : null };
    }

    private static MessageContent? Media(JsonElement message, string kind)
    {
        if (Object(message, kind) is not { } media || String(media, "id") is not { Length: > 0 } mediaId)
        {
            return null;
        }

        return new MessageContent
        {
            Type = "media",
            Url = "whatsapp-media:" + mediaId,
            MimeType = String(media, "mime_type"),
            Caption = String(media, "caption"),
        };
    }

    private static MessageContent? Location(JsonElement message)
    {
        if (Object(message, "location") is not { } location
            || Number(location, "latitude") is not { } latitude
            || Number(location, "longitude") is not { } longitude)
        {
            return null;
        }

        var text = "📍 " + latitude + "," + longitude;
        if (String(location, "name") is { Length: > 0 } name)
        {
            text += " " + name;
        }

        return new MessageContent { Type = "text", Text = text };
    }

    private static ProviderStatus? ToStatus(JsonElement status)
    {
        if (String(status, "id") is not { Length: > 0 } id || Timestamp(status) is not { } at)
        {
            return null;
        }

        MessageStatus? parsed = String(status, "status") switch
        {
            "sent" => MessageStatus.Sent,
            "delivered" => MessageStatus.Delivered,
            "read" => MessageStatus.Read,
            "failed" => MessageStatus.Failed,
            _ => null,
        };
        if (parsed is not { } known)
        {
            return null;
        }

        string? code = null;
        if (known == MessageStatus.Failed)
        {
            foreach (var error in Items(status, "errors"))
            {
                code = error.TryGetProperty("code", out var value) ? value.ValueKind switch
                {
                    JsonValueKind.Number => value.GetRawText(),
                    JsonValueKind.String => value.GetString(),
                    _ => null,
                } : null;
                break;
            }
        }

        return new ProviderStatus(id, known, at, code);
    }

    private static DateTimeOffset? Timestamp(JsonElement element)
    {
        if (!element.TryGetProperty("timestamp", out var value))
        {
            return null;
        }

        long seconds;
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var text))
        {
            seconds = text;
        }
        else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            seconds = number;
        }
        else
        {
            return null;
        }

        return seconds is >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement element, string name) =>
        (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? items
            : EmptyArray).EnumerateArray();

    private static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A number as Meta wrote it (no float round trip), from a JSON number or a numeric string.</summary>
    private static string? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => null,
        };
        return text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? text : null;
    }
}
