using System.Text.Json;
using System.Text.Json.Serialization;

namespace MessagingGateway.Payments.Mollie;

// Mollie v2's wire shapes, as much of them as the client reads or writes. Everything read is
// nullable: a missing field is judged when the response is mapped, not by the serializer.

internal sealed class MollieAmount
{
    public string? Currency { get; init; }

    public string? Value { get; init; }
}

internal sealed class MollieLink
{
    public string? Href { get; init; }

    public string? Type { get; init; }
}

internal sealed class MollieLinks
{
    public MollieLink? Self { get; init; }

    public MollieLink? Checkout { get; init; }

    public MollieLink? Next { get; init; }
}

internal sealed class MolliePaymentRequest
{
    public required MollieAmount Amount { get; init; }

    public required string Description { get; init; }

    public required string RedirectUrl { get; init; }

    public string? WebhookUrl { get; init; }

    public string? ExpiresAt { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

internal sealed class MollieRefundRequest
{
    public required MollieAmount Amount { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

internal sealed class MolliePayment
{
    public string? Id { get; init; }

    public string? Status { get; init; }

    public MollieAmount? Amount { get; init; }

    public string? Description { get; init; }

    public MollieAmount? AmountRefunded { get; init; }

    public MollieAmount? AmountRemaining { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? PaidAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public JsonElement? Metadata { get; init; }

    [JsonPropertyName("_links")]
    public MollieLinks? Links { get; init; }
}

internal sealed class MollieRefund
{
    public string? Id { get; init; }

    public string? PaymentId { get; init; }

    public string? Status { get; init; }

    public MollieAmount? Amount { get; init; }

    public string? Description { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public JsonElement? Metadata { get; init; }
}

internal sealed class MollieRefundPage
{
    public int? Count { get; init; }

    [JsonPropertyName("_embedded")]
    public MollieRefundsEmbedded? Embedded { get; init; }

    [JsonPropertyName("_links")]
    public MollieLinks? Links { get; init; }
}

internal sealed class MollieRefundsEmbedded
{
    public IReadOnlyList<MollieRefund>? Refunds { get; init; }
}

/// <summary>Mollie's error body: <c>{"status":422,"title":…,"detail":…,"field":…}</c>.</summary>
internal sealed class MollieProblem
{
    public int? Status { get; init; }

    public string? Title { get; init; }

    public string? Detail { get; init; }

    public string? Field { get; init; }
}
