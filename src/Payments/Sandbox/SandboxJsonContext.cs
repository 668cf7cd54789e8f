using System.Text.Json.Serialization;

namespace MessagingGateway.Payments.Sandbox;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SandboxPayment))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
