using System.Text.Json.Serialization;

namespace MessagingGateway.Channels.Meta;

/// <summary>Source-generated JSON for the WhatsApp Cloud API's send and error shapes (no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WaSendRequest))]
[JsonSerializable(typeof(WaSendResponse))]
[JsonSerializable(typeof(WaErrorResponse))]
internal sealed partial class WhatsAppJsonContext : JsonSerializerContext;
