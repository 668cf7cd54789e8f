using System.Text.Json.Serialization;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;
using MessagingGateway.Core.Store;
using MessagingGateway.Core.Webhooks;

namespace MessagingGateway.Core.Serialization;

/// <summary>Source-generated JSON for what Core persists (log records and store rows).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(LogEnvelope))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(StatusChange))]
[JsonSerializable(typeof(ConversationSummary))]
[JsonSerializable(typeof(ConversationStats))]
[JsonSerializable(typeof(IdempotencyRecord))]
[JsonSerializable(typeof(StatusReceipt))]
[JsonSerializable(typeof(ChannelHandoff))]
[JsonSerializable(typeof(HandsetMessage))]
[JsonSerializable(typeof(WebhookSubscription))]
[JsonSerializable(typeof(WebhookEvent))]
[JsonSerializable(typeof(OutboxEntry))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(PaymentRecord))]
[JsonSerializable(typeof(RefundRecord))]
[JsonSerializable(typeof(PaymentUpdate))]
[JsonSerializable(typeof(ChannelAccount))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
