using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;

namespace MessagingGateway.Channels.Telegram;

/// <summary>
/// Telegram Bot API webhooks (channels.md section 3): the <c>X-Telegram-Bot-Api-Secret-Token</c>
/// header must equal the account's <c>secretToken</c> (no signature, no handshake). One post is
/// one Update: a <c>message</c> (text, photo and other files as <c>telegram-file:{file_id}</c>
/// media, a location as text) or a <c>callback_query</c> (an inline button press: the button's
/// text, its <c>data</c> in <see cref="MessageContent.Parameters"/>). The customer address is the
/// <c>chat.id</c>; the provider id is <c>{chat_id}:{message_id}</c> (message ids are per chat) or
/// the callback query's id; a button press also yields the answer to the post, a
/// <see cref="ProviderWebhookReply"/> with <c>answerCallbackQuery</c>. Bots get no delivery
/// receipts: there are never statuses. Parsing never throws: junk and other update kinds are skipped.
/// </summary>
/// <param name="time">The clock for button presses, which carry no date of their own (default: the system's).</param>
public sealed class TelegramWebhook(TimeProvider? time = null) : IProviderWebhook
{
    public const string SecretTokenHeader = "X-Telegram-Bot-Api-Secret-Token";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Channel Channel => Channel.Telegram;

    public bool Verify(ChannelAccount account, Func<string, string?> header, Func<string, string?> query, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(header);
        var expected = account.Setting("secretToken");
        var claimed = header(SecretTokenHeader);
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
            var update = document.RootElement;
            if (Object(update, "message") is { } message && ToInbound(message) is { } inbound)
            {
                events.Add(inbound);
            }
            else if (Object(update, "callback_query") is { } callback && ToButtonPress(callback) is { } press)
            {
                events.Add(press);

                // Until the query is answered the customer's client shows the button as busy: the
                // answer to this post carries answerCallbackQuery, which Telegram runs.
                var answer = new TgWebhookAnswer { Method = "answerCallbackQuery", CallbackQueryId = press.ProviderMessageId };
                events.Add(new ProviderWebhookReply("application/json", JsonSerializer.Serialize(answer, TelegramJsonContext.Default.TgWebhookAnswer)));
            }
        }

        return events;
    }

    private static ProviderInboundMessage? ToInbound(JsonElement message)
    {
        if (Integer(message, "message_id") is not { } messageId
            || Object(message, "chat") is not { } chat || Integer(chat, "id") is not { } chatId
            || Integer(message, "date") is not { } date || date is < 0 or > 253402300799)
        {
            return null;
        }

        var content = Content(message);
        if (content is null)
        {
            return null;
        }

        var chatText = chatId.ToString(CultureInfo.InvariantCulture);
        return new ProviderInboundMessage(chatText + ":" + messageId.ToString(CultureInfo.InvariantCulture), chatText, content, DateTimeOffset.FromUnixTimeSeconds(date));
    }

    private static MessageContent? Content(JsonElement message)
    {
        if (String(message, "text") is { } text)
        {
            return new MessageContent { Type = "text", Text = text };
        }

        if (message.TryGetProperty("photo", out var photo) && photo.ValueKind == JsonValueKind.Array)
        {
            // Sizes come smallest first: the last is the original.
            string? fileId = null;
            foreach (var size in photo.EnumerateArray())
            {
                fileId = String(size, "file_id") ?? fileId;
            }

            return fileId is null ? null : Media(fileId, "image/jpeg", String(message, "caption"));
        }

        foreach (var kind in (ReadOnlySpan<string>)["document", "video", "audio", "voice"])
        {
            if (Object(message, kind) is { } file && String(file, "file_id") is { Length: > 0 } fileId)
            {
                return Media(fileId, String(file, "mime_type"), String(message, "caption"));
            }
        }

        if (Object(message, "location") is { } location
            && Number(location, "latitude") is { } latitude
            && Number(location, "longitude") is { } longitude)
        {
            return new MessageContent { Type = "text", Text = "📍 " + latitude + "," + longitude };
        }

        return null;
    }

    private static MessageContent Media(string fileId, string? mimeType, string? caption) => new()
    {
        Type = "media",
        Url = "telegram-file:" + fileId,
        MimeType = mimeType,
        Caption = string.IsNullOrEmpty(caption) ? null : caption,
    };

    private ProviderInboundMessage? ToButtonPress(JsonElement callback)
    {
        if (String(callback, "id") is not { Length: > 0 } id || String(callback, "data") is not { } data)
        {
            return null;
        }

        var message = Object(callback, "message");
        var chatId = message is { } m && Object(m, "chat") is { } chat ? Integer(chat, "id") : null;

        // In a private chat the chat id is the user's id.
        chatId ??= Object(callback, "from") is { } from ? Integer(from, "id") : null;
        if (chatId is not { } customer)
        {
            return null;
        }

        var title = message is { } pressed ? ButtonText(pressed, data) : null;
        var content = new MessageContent { Type = "text", Text = title ?? data, Parameters = [data] };
        return new ProviderInboundMessage(id, customer.ToString(CultureInfo.InvariantCulture), content, _time.GetUtcNow());
    }

    /// <summary>The text of the inline button whose <c>callback_data</c> is <paramref name="data"/>, from the message it was on.</summary>
    private static string? ButtonText(JsonElement message, string data)
    {
        if (Object(message, "reply_markup") is not { } markup
            || !markup.TryGetProperty("inline_keyboard", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var button in row.EnumerateArray())
            {
                if (String(button, "callback_data") == data && String(button, "text") is { Length: > 0 } text)
                {
                    return text;
                }
            }
        }

        return null;
    }

    private static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Integer(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    /// <summary>A number as Telegram wrote it (no float round trip).</summary>
    private static string? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null;
}
