using System.Text.Json;
using System.Text.Json.Serialization;

namespace MessagingGateway.Channels.Telegram;

// The Bot API's wire shapes (channels.md section 3), snake_case through TelegramJsonContext.

internal sealed class TgSendRequest
{
    [JsonConverter(typeof(TgChatIdConverter))]
    public required string ChatId { get; set; }

    public string? Text { get; set; }
    public string? Photo { get; set; }
    public string? Video { get; set; }
    public string? Audio { get; set; }
    public string? Document { get; set; }
    public string? Caption { get; set; }
    public TgReplyMarkup? ReplyMarkup { get; set; }
}

internal sealed class TgReplyMarkup
{
    public required List<List<TgInlineButton>> InlineKeyboard { get; set; }
}

internal sealed class TgInlineButton
{
    public required string Text { get; set; }
    public string? CallbackData { get; set; }
    public string? Url { get; set; }
}

internal sealed class TgSetWebhookRequest
{
    public required string Url { get; set; }
    public required string SecretToken { get; set; }
    public required List<string> AllowedUpdates { get; set; }
}

/// <summary>A Bot API call made in the answer to Telegram's webhook post ("making requests when getting updates").</summary>
internal sealed class TgWebhookAnswer
{
    public required string Method { get; set; }
    public string? CallbackQueryId { get; set; }
}

/// <summary>Every Bot API answer: <c>{"ok":true,"result":…}</c> or <c>{"ok":false,"error_code":…,"description":…,"parameters":…}</c>.</summary>
internal sealed class TgResponse
{
    public bool Ok { get; set; }
    public JsonElement Result { get; set; }
    public int? ErrorCode { get; set; }
    public string? Description { get; set; }
    public TgResponseParameters? Parameters { get; set; }
}

internal sealed class TgResponseParameters
{
    public int? RetryAfter { get; set; }
    public long? MigrateToChatId { get; set; }
}

internal sealed class TgSentMessage
{
    public long MessageId { get; set; }

    /// <summary>When Telegram sent it, Unix seconds.</summary>
    public long Date { get; set; }
    public TgChat? Chat { get; set; }
}

internal sealed class TgChat
{
    public long Id { get; set; }
}
