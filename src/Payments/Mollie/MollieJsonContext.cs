using System.Text.Json.Serialization;

namespace MessagingGateway.Payments.Mollie;

/// <summary>Source-generated JSON for Mollie's v2 wire shapes (no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MolliePaymentRequest))]
[JsonSerializable(typeof(MollieRefundRequest))]
[JsonSerializable(typeof(MolliePayment))]
[JsonSerializable(typeof(MollieRefund))]
[JsonSerializable(typeof(MollieRefundPage))]
[JsonSerializable(typeof(MollieProblem))]
internal sealed partial class MollieJsonContext : JsonSerializerContext;
