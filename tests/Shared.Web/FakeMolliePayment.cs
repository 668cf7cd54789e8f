namespace MessagingGateway.Tests.Shared;

/// <summary>A snapshot of a payment a <see cref="FakeMollie"/> holds, with what created it.</summary>
/// <param name="Value">The amount's value string as Mollie writes it (<c>"24.95"</c>).</param>
/// <param name="AmountRefunded">Null until the payment is paid, as on the wire.</param>
/// <param name="MetadataJson">The metadata as sent, or null.</param>
/// <param name="RequestBody">The body of the <c>POST /v2/payments</c> that created it.</param>
public sealed record FakeMolliePayment(
    string Id,
    string Mode,
    string Status,
    string Currency,
    string Value,
    string Description,
    string? RedirectUrl,
    string? WebhookUrl,
    string? ExpiresAt,
    string? MetadataJson,
    string? IdempotencyKey,
    string RequestBody,
    string? AmountRefunded,
    string? AmountRemaining,
    IReadOnlyList<FakeMollieRefund> Refunds);
