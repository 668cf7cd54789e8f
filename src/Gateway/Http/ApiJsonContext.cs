using System.Text.Json.Serialization;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Tenants;

namespace MessagingGateway.Gateway.Http;

/// <summary>Source-generated JSON for what the API reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(MessageContent))]
[JsonSerializable(typeof(TenantsFile))]
[JsonSerializable(typeof(Webhooks.WebhookRequest))]
[JsonSerializable(typeof(Sandbox.HandsetReply))]
[JsonSerializable(typeof(Payments.PaymentRequest))]
[JsonSerializable(typeof(Payments.RefundRequest))]
[JsonSerializable(typeof(Payments.CheckoutRequest))]
[JsonSerializable(typeof(Dictionary<string, System.Text.Json.JsonElement>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
