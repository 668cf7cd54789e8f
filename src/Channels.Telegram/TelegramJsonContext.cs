using System.Text.Json.Serialization;

namespace MessagingGateway.Channels.Telegram;

/// <summary>Source-generated JSON for the Bot API's request and answer shapes (no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TgSendRequest))]
[JsonSerializable(typeof(TgSetWebhookRequest))]
[JsonSerializable(typeof(TgResponse))]
[JsonSerializable(typeof(TgSentMessage))]
[JsonSerializable(typeof(TgWebhookAnswer))]
internal sealed partial class TelegramJsonContext : JsonSerializerContext;
