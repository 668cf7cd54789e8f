using System.Text.Json.Serialization;

namespace MessagingGateway.Channels.Meta;

/// <summary>Source-generated JSON for the Messenger/Instagram Send API's request, answer and error shapes (no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MsSendRequest))]
[JsonSerializable(typeof(MsSendResponse))]
[JsonSerializable(typeof(MsErrorResponse))]
internal sealed partial class MessengerJsonContext : JsonSerializerContext;
