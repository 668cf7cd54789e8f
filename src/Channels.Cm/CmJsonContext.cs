using System.Text.Json.Serialization;

namespace MessagingGateway.Channels.Cm;

/// <summary>Source-generated JSON for CM.com's send and answer shapes (no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(CmSendRequest))]
[JsonSerializable(typeof(CmSendResponse))]
internal sealed partial class CmJsonContext : JsonSerializerContext;
