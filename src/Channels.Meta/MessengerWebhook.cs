using System.Globalization;
using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Meta;

/// <summary>
/// Messenger or Instagram webhooks (channels.md section 2), one instance per channel:
/// <c>X-Hub-Signature-256</c> over the raw bytes with the account's <c>appSecret</c> and Meta's
/// subscription handshake with its <c>verifyToken</c> (both through <see cref="MetaSignature"/>,
/// as for WhatsApp), and every event of a (possibly batched) post: <c>entry[].messaging[]</c>
/// messages (text, attachments as media, quick-reply and postback payloads as
/// <see cref="MessageContent.Parameters"/>), echoes of our own sends skipped, deliveries by their
/// <c>mids</c>, reads by their <c>mid</c> or up to their <c>watermark</c>. The customer's address is <c>sender.id</c> (PSID / IGSID). Parsing never throws:
/// junk and unknown parts are skipped, and so are a post for the other channel (<c>object</c> not
/// <c>page</c> / <c>instagram</c>) and entries for another page or IG account of the same app
/// (<c>entry[].id</c> not the account's <see cref="ChannelAccount.Sender"/>).
/// </summary>
public sealed class MessengerWebhook : IProviderWebhook
{
    public const string SignatureHeader = MetaSignature.Header;

    private static readonly JsonElement EmptyArray = JsonElement.Parse("[]");

    /// <summary>A webhook for <see cref="Channel.Messenger"/> or <see cref="Channel.Instagram"/>.</summary>
    public MessengerWebhook(Channel channel)
    {
        if (channel is not (Channel.Messenger or Channel.Instagram))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "Messenger webhooks serve Messenger and Instagram only.");
        }

        Channel = channel;
    }

    public Channel Channel { get; }

    /// <summary>The <c>object</c> Meta posts for this channel: <c>page</c> or <c>instagram</c>.</summary>
    private string ObjectName => Channel == Channel.Instagram ? "instagram" : "page";

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
            var root = document.RootElement;
            if (String(root, "object") is { } objectName && objectName != ObjectName)
            {
                return events;
            }

            List<JsonElement> items = [];
            foreach (var entry in Items(root, "entry"))
            {
                if (!string.IsNullOrEmpty(account.Sender) && Id(entry) is { } target && target != account.Sender)
                {
                    continue;
                }

                foreach (var item in Items(entry, "messaging"))
                {
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        items.Add(item);
                    }
                }
            }

            var delivered = Deliveries(items);
            foreach (var item in items)
            {
                if (Object(item, "message") is { } message)
                {
                    AddMessage(events, item, message);
                }
                else if (Object(item, "postback") is { } postback)
                {
                    AddPostback(events, item, postback);
                }
                else if (Object(item, "delivery") is { } delivery)
                {
                    AddDelivery(events, item, delivery);
                }
                else if (Object(item, "read") is { } read)
                {
                    AddRead(events, item, read, delivered);
                }
            }
        }

        return events;
    }

    private static void AddMessage(List<ProviderEvent> events, JsonElement item, JsonElement message)
    {
        if (Bool(message, "is_echo") || String(message, "mid") is not { Length: > 0 } mid
            || Customer(item) is not { } customer || Millis(item, "timestamp") is not { } at)
        {
            return;
        }

        var text = String(message, "text");
        var attachments = 0;
        foreach (var attachment in Items(message, "attachments"))
        {
            if (Media(attachment, attachments == 0 ? text : null) is { } media)
            {
                // One message per attachment; the first keeps the mid, the others get their own ids for dedupe.
                var id = attachments == 0 ? mid : mid + "#" + attachments.ToString(CultureInfo.InvariantCulture);
                events.Add(new ProviderInboundMessage(id, customer, media, at));
                attachments++;
            }
        }

        if (attachments > 0 || string.IsNullOrEmpty(text))
        {
            return;
        }

        var payload = Object(message, "quick_reply") is { } quickReply ? String(quickReply, "payload") : null;
        events.Add(new ProviderInboundMessage(mid, customer, new MessageContent { Type = "text", Text = text, Parameters = payload is null ? null : [payload] }, at));
    }

    private static MessageContent? Media(JsonElement attachment, string? caption)
    {
        var kind = String(attachment, "type");
        if (kind is not ("image" or "video" or "audio" or "file")
            || Object(attachment, "payload") is not { } payload
            || String(payload, "url") is not { Length: > 0 } url)
        {
            return null;
        }

        return new MessageContent { Type = "media", Url = url, Caption = string.IsNullOrEmpty(caption) ? null : caption };
    }

    /// <summary>
    /// A tap on a postback button: its title as the text, its payload as the parameter. Older
    /// postbacks carry no <c>mid</c>: the id is then derived from the customer and the timestamp,
    /// the same for a re-posted webhook.
    /// </summary>
    private static void AddPostback(List<ProviderEvent> events, JsonElement item, JsonElement postback)
    {
        if (Customer(item) is not { } customer || Millis(item, "timestamp") is not { } at)
        {
            return;
        }

        var payload = String(postback, "payload");
        var title = String(postback, "title");
        if (string.IsNullOrEmpty(title ?? payload))
        {
            return;
        }

        var id = String(postback, "mid") is { Length: > 0 } mid
            ? mid
            : "postback:" + customer + ":" + at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        events.Add(new ProviderInboundMessage(id, customer, new MessageContent { Type = "text", Text = title ?? payload, Parameters = payload is null ? null : [payload] }, at));
    }

    private static void AddDelivery(List<ProviderEvent> events, JsonElement item, JsonElement delivery)
    {
        if ((Millis(delivery, "watermark") ?? Millis(item, "timestamp")) is not { } at)
        {
            return;
        }

        foreach (var mid in Items(delivery, "mids"))
        {
            if (mid.ValueKind == JsonValueKind.String && mid.GetString() is { Length: > 0 } id)
            {
                events.Add(new ProviderStatus(id, MessageStatus.Delivered, at));
            }
        }
    }

    /// <summary>
    /// A read receipt, at its <c>timestamp</c>. Messenger's names no message, only a watermark
    /// (everything sent to the customer up to that time is read): that becomes a
    /// <see cref="ProviderReadWatermark"/>, which the gateway resolves against what it sent the
    /// customer. What the post itself names becomes a status too: a <c>read.mid</c> (Instagram's
    /// <c>messaging_seen</c>), and the mids of the same customer's deliveries in the same post up to
    /// the watermark (those may not be on record as sent yet when Meta is faster than our
    /// hand-over record). A read with neither a mid nor a watermark is skipped.
    /// </summary>
    private static void AddRead(List<ProviderEvent> events, JsonElement item, JsonElement read, Dictionary<string, List<(string Mid, long? Watermark)>> delivered)
    {
        var watermark = Millis(read, "watermark");
        if ((Millis(item, "timestamp") ?? watermark) is not { } at)
        {
            return;
        }

        if (String(read, "mid") is { Length: > 0 } mid)
        {
            events.Add(new ProviderStatus(mid, MessageStatus.Read, at));
        }

        if (Customer(item) is not { } customer)
        {
            return;
        }

        if (delivered.TryGetValue(customer, out var mids))
        {
            var limit = watermark?.ToUnixTimeMilliseconds();
            foreach (var (deliveredMid, deliveredWatermark) in mids)
            {
                if (limit is null || deliveredWatermark is null || deliveredWatermark <= limit)
                {
                    events.Add(new ProviderStatus(deliveredMid, MessageStatus.Read, at));
                }
            }
        }

        if (watermark is { } upTo)
        {
            events.Add(new ProviderReadWatermark(customer, upTo, at));
        }
    }

    /// <summary>The mids of every delivery in the post, by customer, with the delivery's watermark.</summary>
    private static Dictionary<string, List<(string Mid, long? Watermark)>> Deliveries(List<JsonElement> items)
    {
        var deliveries = new Dictionary<string, List<(string, long?)>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (Object(item, "delivery") is not { } delivery || Customer(item) is not { } customer)
            {
                continue;
            }

            var watermark = Millis(delivery, "watermark")?.ToUnixTimeMilliseconds();
            foreach (var mid in Items(delivery, "mids"))
            {
                if (mid.ValueKind == JsonValueKind.String && mid.GetString() is { Length: > 0 } id)
                {
                    if (!deliveries.TryGetValue(customer, out var list))
                    {
                        deliveries[customer] = list = [];
                    }

                    list.Add((id, watermark));
                }
            }
        }

        return deliveries;
    }

    private static string? Customer(JsonElement item) => Object(item, "sender") is { } sender && Id(sender) is { Length: > 0 } id ? id : null;

    /// <summary>An <c>id</c>, as a string or (as some payloads write page ids) a number.</summary>
    private static string? Id(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("id", out var value))
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

    /// <summary>Epoch milliseconds (a JSON number or numeric string) as a time.</summary>
    private static DateTimeOffset? Millis(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        long millis;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            millis = number;
        }
        else if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var text))
        {
            millis = text;
        }
        else
        {
            return null;
        }

        return millis is >= 0 and <= 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(millis) : null;
    }

    private static bool Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static JsonElement.ArrayEnumerator Items(JsonElement element, string name) =>
        (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? items
            : EmptyArray).EnumerateArray();

    private static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
